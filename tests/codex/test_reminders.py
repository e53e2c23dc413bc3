"""Re-signing reminders: publishing only records the publication and queues one fan-out;
real Celery workers create the outbox in bulk and send each email exactly once per
person and round, even when the same work is queued twice."""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from codex import services
from codex.models import CodeVersion, ReminderRound
from codex.tasks import fan_out_reminders, send_due_reminders
from organisation.models import Membership, Role
from outbox import services as outbox
from outbox.models import Email
from outbox.tasks import send_batch
from tests.conftest import redis_available, require
from tests.factories import build_org

from .helpers import enrol_totp, publish_version, sign

User = get_user_model()


def add_employees(workplace, count: int, prefix: str = "staff") -> list:
    people = User.objects.bulk_create(
        User(email=f"{prefix}{i}@test.example", full_name=f"Medarbejder {i}", password="!") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(person=p, role=Role.EMPLOYEE, workplace=workplace, starts_on=timezone.localdate()) for p in people
    )
    return people


def wait_until(condition, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def recipients(inbox) -> Counter:
    return Counter(address for message in inbox.messages for address in message["to"])


@pytest.mark.worker
def test_reminders_are_sent_by_workers_exactly_once_per_person_and_round(celery_worker_process, smtp_server):
    org = build_org()
    add_employees(org.workplace, 300)
    celery_worker_process(concurrency=2)

    version = publish_version(org.admin)  # queues round 0's fan-out after the commit
    concerned = 300 + 11  # the 300 employees and everyone in the org with a role
    assert wait_until(lambda: len(smtp_server.messages) >= concerned), len(smtp_server.messages)
    first = ReminderRound.objects.get(version=version, number=0)
    assert first.recipients == concerned
    emails = Email.objects.filter(topic=services.reminder_topic(first.pk))
    assert wait_until(lambda: not emails.filter(outcome="pending").exists())

    # The same round queued again, and batches run again: nothing goes out twice.
    fan_out_reminders.delay(first.pk)
    send_batch.delay()
    send_batch.delay()
    time.sleep(5)
    sent = recipients(smtp_server)
    assert len(sent) == concerned and set(sent.values()) == {1}
    assert emails.filter(outcome="sent").count() == concerned
    message = smtp_server.messages[0]["message"]
    assert "kodeks" in message.get_body(("plain",)).get_content()

    # A month later, the beat task's question starts round 1 for those not signed.
    sign(org.member, version)
    later = timezone.now() + timezone.timedelta(days=settings.CODEX_REMINDER_AFTER_DAYS[0], minutes=1)
    [round_id] = services.reminder_rounds_due(now=later)
    assert services.reminder_rounds_due(now=later) == []  # a second beat starts nothing
    fan_out_reminders.delay(round_id)
    fan_out_reminders.delay(round_id)
    assert wait_until(lambda: len(smtp_server.messages) >= 2 * concerned - 1)
    time.sleep(3)
    sent = recipients(smtp_server)
    assert sent[org.member.email] == 1  # signed before round 1: no second email
    assert Counter(sent.values()) == {2: concerned - 1, 1: 1}


@pytest.mark.postgres
def test_publishing_to_60000_people_answers_in_under_a_second(transactional_db, postgres, client_for):
    """Figures for the closing note are printed (run with -s to see them)."""
    require(redis_available(), "needs Redis: the request queues the fan-out on the real broker")
    from samspil.celery import app as celery_app

    org = build_org()
    started = time.perf_counter()
    people = User.objects.bulk_create(
        (User(email=f"p{i}@big.example", full_name=f"Person {i}", password="!") for i in range(60_000)),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(person=p, role=Role.EMPLOYEE, workplace=org.workplace, starts_on=timezone.localdate())
            for p in people
        ),
        batch_size=5000,
    )
    setup_seconds = time.perf_counter() - started
    draft = services.version_create_draft(created_by=org.admin, title="Kodeks", preamble="Vi mødes med tillid.")
    from codex.models import CodePoint

    CodePoint.objects.create(version=draft, kind="duty", position=1, title="Sandhed", explanation="Sandt.")
    enrol_totp(org.admin)
    client = client_for(org.admin)

    # The tasks the request and the fan-out queue go to a queue of this test's own on the
    # real broker, which no worker reads (and which is deleted): the sending is measured by
    # the worker tests, not here.
    queue = f"test-60k-{os.getpid()}-{time.monotonic_ns()}"
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        started = time.perf_counter()
        response = client.post(reverse("codex:version_publish", args=[draft.pk]))
        request_seconds = time.perf_counter() - started
        assert response.status_code == 302
        assert CodeVersion.objects.get(pk=draft.pk).published_at is not None
        assert request_seconds < 1.0, request_seconds

        # What the worker then does, measured here in-process: the bulk outbox for everyone.
        first = ReminderRound.objects.get(version=draft, number=0)
        started = time.perf_counter()
        total = services.reminder_round_fan_out(round_id=first.pk)
        fan_out_seconds = time.perf_counter() - started
    finally:
        celery_app.conf.update(saved)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)
    assert total == Email.objects.filter(topic=services.reminder_topic(first.pk)).count() == 60_000 + 11
    print(
        f"\n60k: setup {setup_seconds:.1f}s, publish request {request_seconds * 1000:.0f} ms, "
        f"fan-out {fan_out_seconds:.1f}s for {total} outbox rows"
    )


def test_an_email_a_dead_worker_claimed_is_sent_later_exactly_once(org, mailoutbox):
    version = publish_version(org.admin)
    reminder_round = ReminderRound.objects.create(version=version, number=1, created_at=timezone.now())
    concerned = services.reminder_round_fan_out(round_id=reminder_round.pk)
    # A worker claimed one and died before sending it.
    _token, [stranded] = outbox.claim_batch(limit=1)
    assert outbox.send_batch().counts == {"sent": concerned - 1}
    assert stranded.address not in [m.to[0] for m in mailoutbox]
    # Nobody renews the dead worker's claim: it runs out, and the next batch sends it, once.
    Email.objects.filter(pk=stranded.pk).update(claimed_until=timezone.now() - timezone.timedelta(seconds=1))
    assert outbox.send_batch().counts == {"sent": 1}
    assert outbox.send_batch().counts == {}
    assert Counter(m.to[0] for m in mailoutbox)[stranded.address] == 1


def publish_back_dated(author, published):
    """A version published in the past, as `manage.py demo` does before `make run`."""
    from codex.models import CodePoint

    draft = services.version_create_draft(created_by=author, title="Kodeks", preamble="Vi mødes med tillid.")
    CodePoint.objects.create(version=draft, kind="duty", position=1, title="Sandhed", explanation="Sandt.")
    return services.version_publish(version=draft, published_by=author, now=published)


def test_rounds_are_due_at_publication_and_after_a_month_never_at_start_up(org):
    """Defect 13.3: a version published (back-dated) weeks ago, as the demo does, got
    round 0 at publication and round 1 at the beat's first run after start-up."""
    month = timezone.timedelta(days=30)
    version = publish_back_dated(org.admin, timezone.now() - month - timezone.timedelta(days=6))
    # The worker starts, the beat runs at once and again a quarter of an hour later.
    assert services.reminder_rounds_due() == []
    assert services.reminder_rounds_due(now=timezone.now() + timezone.timedelta(minutes=15)) == []
    assert list(version.reminder_rounds.values_list("number", flat=True)) == [0]
    # A month after round 0 went out, round 1 is due, once.
    later = timezone.now() + month + timezone.timedelta(minutes=1)
    assert services.reminder_rounds_due(now=later - timezone.timedelta(minutes=2)) == []
    [round_id] = services.reminder_rounds_due(now=later)
    assert ReminderRound.objects.get(pk=round_id).number == 1
    assert services.reminder_rounds_due(now=later) == []


def test_reminders_are_gentle_at_publication_once_after_a_month_then_only_the_start_page(org, client_for):
    """Issue 18.4: no more fortnightly rounds. The default cadence is one email at
    publication and one a month later; a year of beats starts nothing else, while the
    start page keeps asking those who have not signed."""
    assert settings.CODEX_REMINDER_AFTER_DAYS == [30]
    version = publish_back_dated(org.admin, timezone.now())
    start = timezone.now()
    started = []
    for day in range(0, 366):  # a beat every day for a year
        started += services.reminder_rounds_due(now=start + timezone.timedelta(days=day, minutes=1))
    assert [ReminderRound.objects.get(pk=pk).number for pk in started] == [1]
    rounds = list(version.reminder_rounds.order_by("number"))
    assert [r.number for r in rounds] == [0, 1]
    assert (rounds[1].created_at - start).days == 30
    # After the emails, the start page still asks, gently, with a link to the code.
    page = client_for(org.member).get(reverse("portal:home"))
    assert reverse("codex:home") in page.content.decode()


def test_the_cadence_is_a_setting(org, settings):
    settings.CODEX_REMINDER_AFTER_DAYS = [7, 21]
    version = publish_back_dated(org.admin, timezone.now())
    start = timezone.now()
    started = []
    for day in range(0, 120):
        started += services.reminder_rounds_due(now=start + timezone.timedelta(days=day, minutes=1))
    rounds = list(version.reminder_rounds.order_by("number"))
    assert [r.number for r in rounds] == [0, 1, 2]
    assert [(r.created_at - start).days for r in rounds[1:]] == [7, 21]
    settings.CODEX_REMINDER_AFTER_DAYS = []
    other = publish_back_dated(org.admin, timezone.now())
    assert services.reminder_rounds_due(now=start + timezone.timedelta(days=400)) == []
    assert [r.number for r in other.reminder_rounds.all()] == [0]


@pytest.mark.worker
def test_the_start_up_scan_and_the_beats_round_send_one_email_per_person(celery_worker_process, smtp_server):
    org = build_org()
    add_employees(org.workplace, 40)
    month = timezone.timedelta(days=settings.CODEX_REMINDER_AFTER_DAYS[0])
    publish_back_dated(org.admin, timezone.now() - month - timezone.timedelta(days=7))
    celery_worker_process()  # the worker starts: round 0's fan-out was waiting on the broker
    send_due_reminders()  # the beat's first run, at start-up
    with mock_now(timezone.now() + timezone.timedelta(minutes=15)):
        send_due_reminders()  # and its next run, a quarter of an hour later
    concerned = 40 + 11
    assert wait_until(lambda: len(smtp_server.messages) >= concerned, timeout=90), len(smtp_server.messages)
    assert wait_until(lambda: not Email.objects.filter(outcome="pending").exists(), timeout=60)
    time.sleep(2)  # room for a second round, if one were sent
    sent = recipients(smtp_server)
    assert len(sent) == concerned and set(sent.values()) == {1}, Counter(sent.values())
    assert list(ReminderRound.objects.values_list("number", flat=True)) == [0]


def mock_now(when):
    from unittest import mock

    return mock.patch("codex.services.timezone.now", return_value=when)
