"""The monthly digest: administrators hear which workplaces missed the target, chairs
(when the setting is on) about their committee's; each exactly once a month."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from coverage import services, tasks
from outbox.models import Email
from outbox.tasks import send_batch
from tests.coverage.helpers import held


def Digests():
    return Email.objects.filter(family="coverage.digest")


def test_administrators_get_the_workplaces_that_missed_the_target_once_a_month(org, smtp_server, settings):
    settings.COVERAGE_NUDGE_CHAIRS = False
    held(host=org.workplace, days_ago=20)  # Egeskovskolen met; Vej og Park never met
    tasks.queue_monthly_digest.delay()
    tasks.queue_monthly_digest.delay()  # the beat fired twice
    send_batch()
    send_batch()
    messages = smtp_server.wait_for(1)
    time.sleep(0.3)
    assert len(smtp_server.messages) == 1
    message = messages[0]
    assert message["to"] == [org.admin.email]
    body = message["message"].get_body(("plain",)).get_content()
    assert "Vej og Park" in body
    assert "Egeskovskolen" not in body
    assert "/daekning/" in body
    delivery = Digests().get()
    assert delivery.sent_at is not None and delivery.outcome == "sent"


def test_a_chair_is_nudged_about_their_own_committees_workplaces_when_the_setting_is_on(org, smtp_server, settings):
    settings.COVERAGE_NUDGE_CHAIRS = True
    tasks.queue_monthly_digest.delay()
    tasks.queue_monthly_digest.delay()
    send_batch()
    smtp_server.wait_for(2)
    time.sleep(0.3)
    by_recipient = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert sorted(by_recipient) == sorted([org.admin.email, org.chair.email])
    nudge = by_recipient[org.chair.email].get_body(("plain",)).get_content()
    assert "Egeskovskolen" in nudge and "Vej og Park" not in nudge
    assert f"/daekning/planlaeg/{org.committee.slug}/" in nudge


def test_next_month_brings_a_new_digest(org, smtp_server, settings):
    settings.COVERAGE_NUDGE_CHAIRS = False
    today = timezone.localdate()
    services.digest_queue(month=today)
    send_batch()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    services.digest_queue(month=next_month)
    send_batch()
    services.digest_queue(month=today)  # this month again: nothing left
    send_batch()
    smtp_server.wait_for(2)
    time.sleep(0.3)
    assert len(smtp_server.messages) == 2


def test_a_sent_digest_is_never_sent_again(org, smtp_server):
    assert services.digest_queue(month=timezone.localdate()) == 1
    assert send_batch().get("sent") == 1
    assert services.digest_queue(month=timezone.localdate()) == 1  # offered again …
    assert send_batch() == {}  # … and not sent again
    smtp_server.wait_for(1)
    time.sleep(0.3)
    assert len(smtp_server.messages) == 1


@pytest.mark.worker
def test_a_real_worker_sends_each_administrator_one_digest_however_often_the_beat_fires(
    transactional_db, celery_worker_process, smtp_server, settings
):
    from tests.factories import build_org

    org = build_org()
    settings.COVERAGE_NUDGE_CHAIRS = False
    celery_worker_process(concurrency=2)
    for _ in range(4):
        tasks.queue_monthly_digest.delay()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Digests().filter(sent_at__isnull=False).exists():
        time.sleep(0.2)
    time.sleep(2)  # any duplicate would arrive now
    assert [m["to"] for m in smtp_server.messages] == [[org.admin.email]]
    assert Digests().count() == 1
