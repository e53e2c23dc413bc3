"""The weekly digest: one email per follower per ISO week, none when nothing is new."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from outbox.models import Email
from outbox.tasks import send_batch
from stories.models import Follow, iso_week_label
from stories.services import week_bounds
from stories.tasks import send_weekly_digests
from tests.stories.helpers import make_story

LAST_WEEK = iso_week_label(timezone.localdate() - dt.timedelta(days=7))


def Digests():
    return Email.objects.filter(family="stories.digest")


def in_week(week: str, days: int = 1):
    start, _end = week_bounds(week)
    return start + dt.timedelta(days=days, hours=10)


def setup_follows(org):
    """The member follows the committee, the chair the other workplace, the director
    follows something with nothing new; the nobody follows nothing."""
    Follow.objects.create(person=org.member, committee=org.committee)
    Follow.objects.create(person=org.chair, workplace=org.workplace)
    Follow.objects.create(person=org.director, workplace=org.other_workplace)
    make_story(org.workplace, org.employee, title="Ugens historie", published_at=in_week(LAST_WEEK))
    make_story(org.workplace, org.employee, title="Ugen før", published_at=in_week(LAST_WEEK, -3))
    make_story(org.workplace, org.employee, title="Ikke udgivet", status="submitted")


def test_week_bounds_are_monday_to_monday_in_copenhagen():
    start, end = week_bounds("2026-W13")
    assert start.isoformat() == "2026-03-23T00:00:00+01:00"
    assert end.isoformat() == "2026-03-30T00:00:00+02:00"  # summer time began on the Sunday


@pytest.mark.django_db
def test_each_follower_gets_one_digest_with_the_weeks_stories(org, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    setup_follows(org)
    for _run in range(2):  # beat runs it every hour on Monday morning
        with django_capture_on_commit_callbacks(execute=True):
            send_weekly_digests.delay(LAST_WEEK)
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["chair@test.example", "member@test.example"]
    body = mail.outbox[0].body
    assert "Ugens historie" in body and "Ugen før" not in body and "Ikke udgivet" not in body
    assert Digests().filter(params__week=LAST_WEEK, sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_no_digest_goes_out_when_nothing_is_new(org, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    Follow.objects.create(person=org.member, committee=org.committee)
    make_story(org.workplace, org.employee, published_at=in_week(LAST_WEEK, -7))
    send_weekly_digests.delay(LAST_WEEK)
    assert mail.outbox == [] and not Digests().exists()


@pytest.mark.worker
def test_the_real_worker_sends_each_digest_exactly_once_even_run_twice(org, celery_worker_process, smtp_server):
    setup_follows(org)
    celery_worker_process(concurrency=2)
    send_weekly_digests.delay(LAST_WEEK)
    messages = smtp_server.wait_for(2)
    assert sorted(m["to"][0] for m in messages) == ["chair@test.example", "member@test.example"]

    # Second run, with a new follower who has something new, plus duplicate batches:
    # only the new follower's digest goes out.
    Follow.objects.create(person=org.other_member, workplace=org.workplace)
    send_weekly_digests.delay(LAST_WEEK)
    send_batch.delay()
    send_batch.delay()
    messages = smtp_server.wait_for(3)
    time.sleep(2)  # room for any duplicate to arrive
    recipients = sorted(m["to"][0] for m in smtp_server.messages)
    assert recipients == ["chair@test.example", "member@test.example", "other_member@test.example"]
    message = next(m["message"] for m in smtp_server.messages if m["to"] == ["member@test.example"])
    assert "Ugens historie" in message.get_body(("plain",)).get_content()
    assert Digests().filter(sent_at__isnull=False).count() == 3
