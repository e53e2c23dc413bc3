"""The one outbox with a real Celery worker on Redis and a real SMTP server, counted at the
server: every family once per recipient and event; a Redis kill recovered within 90 s.
(The worker kill: tests/meetings/test_reminders_worker.py.)"""

from __future__ import annotations

import collections
import datetime as dt
import subprocess
import time

import pytest
from django.utils import timezone

from outbox.models import Email
from outbox.services import message_id
from tests import factories
from tests.conftest import free_port
from tests.outbox.helpers import Beat, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

FAMILIES = {
    "meetings.calendar",
    "meetings.reminder",
    "meetings.booking",
    "accounts.invitation",
    "agreements.deadline_reminder",
    "codex.sign_reminder",
    "stories.digest",
    "coverage.digest",
    "notifications.agreement_dialogue",  # the agreement sent to dialogue tells the committee
}


def message_ids(smtp_server) -> collections.Counter:
    return collections.Counter(str(m["message"]["Message-ID"]) for m in list(smtp_server.messages))


def nothing_pending() -> bool:
    return not Email.objects.filter(outcome="pending").exists()


def meeting_in(org, hours: float, **extra):
    from tests.meetings import helpers

    start = timezone.now() + dt.timedelta(hours=hours)
    return helpers.meeting(org, starts_at=start, ends_at=start + dt.timedelta(hours=2), **extra)


def every_kind_of_event(org) -> None:
    """One event of each family (the producers each run twice: beats overlap)."""
    from accounts.services import person_invite
    from agreements import tasks as agreement_tasks
    from agreements.models import CycleDeadline
    from coverage import tasks as coverage_tasks
    from meetings import services as meetings
    from meetings.tasks import scan_reminders
    from stories.models import Follow, iso_week_label
    from stories.services import week_bounds
    from stories.tasks import send_weekly_digests
    from tests.agreements.helpers import make_agreement, make_template
    from tests.codex.helpers import publish_version
    from tests.meetings import helpers
    from tests.stories.helpers import make_story

    meeting_in(org, 20)  # invitations, then the 1-day reminders
    cancelled = meeting_in(org, 30, title="Aflyst møde")
    meetings.meeting_cancel(meeting=cancelled, actor=org.chair, reason="Sygdom")  # cancellations
    missing = meeting_in(org, -24 * 3)
    meetings.meeting_mark_held(meeting=missing, actor=org.chair)  # minutes missing
    helpers.booking(org)  # the leader's booking notice, the visit's invitations
    person_invite(email="ny@test.example", full_name="Ny Person", invited_by=org.admin)
    template = make_template()
    CycleDeadline.objects.create(template=template, kind="signatures_due", due_on=dt.date.today() + dt.timedelta(2))
    make_agreement(org, "in_dialogue", template=template)
    publish_version(org.admin)  # round 0 of the "please sign" emails
    last_week = iso_week_label(timezone.localdate() - dt.timedelta(days=7))
    Follow.objects.create(person=org.member, committee=org.committee)
    make_story(org.workplace, org.employee, published_at=week_bounds(last_week)[0] + dt.timedelta(days=1, hours=10))
    for _beat in range(2):
        scan_reminders()
        agreement_tasks.queue_deadline_reminders()
        send_weekly_digests(last_week)
        coverage_tasks.queue_monthly_digest()


def test_every_family_is_sent_once_per_recipient_and_event(celery_worker_process, smtp_server):
    org = factories.build_org()
    from tests.meetings import helpers

    helpers.kind()
    celery_worker_process(concurrency=2)
    every_kind_of_event(org)
    with Beat(every=2):
        wait_until(nothing_pending, timeout=90)
    time.sleep(2)  # room for a duplicate to arrive
    sent = list(Email.objects.filter(outcome="sent"))
    assert {row.family for row in sent} == FAMILIES
    at_server = message_ids(smtp_server)
    assert set(at_server.values()) == {1}, "an email arrived twice"
    assert set(at_server) == {message_id(row) for row in sent}, "sent rows and arrived emails differ"
    # What was not sent says why (a superseded invitation, a signed code …), and nothing failed.
    assert not Email.objects.filter(outcome="failed").exists()
    assert all(row.last_error for row in Email.objects.filter(outcome="skipped"))


class OwnRedis:
    """A Redis of this test's own (never the shared one on 6379), killed and restarted at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        wait_until(lambda: self._ping(client), timeout=10)

    @staticmethod
    def _ping(client) -> bool:
        try:
            return bool(client.ping())
        except Exception:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def use_broker(app, url: str) -> None:
    """Point this process's Celery app at another broker: its connection pool and the
    producer pool built on it are made anew."""
    # Not closed: kombu keeps one pool per broker URL for the whole process, and the old
    # broker's pool is the one this app returns to afterwards.
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def own_redis():
    import shutil

    from tests.conftest import require

    require(shutil.which("redis-server") is not None, "needs redis-server")
    server = OwnRedis()
    server.start()
    yield server
    server.kill()


def test_a_redis_kill_mid_batch_recovers_within_90_seconds_with_no_duplicate_and_none_missing(
    own_redis, celery_worker_process, smtp_server, settings
):
    from meetings.models import Participant
    from meetings.tasks import scan_reminders
    from samspil.celery import app as celery_app
    from tests.meetings import helpers

    org = factories.build_org()
    helpers.kind()
    guests = [factories.UserFactory(email=f"guest{n}@test.example") for n in range(27)]
    for hours in (19, 21):
        meeting = meeting_in(org, hours)
        Participant.objects.bulk_create(
            [Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST) for person in guests]
        )
    Email.objects.update(outcome="skipped")  # the invitations are not what is counted
    # This test's worker, beat and kicks use its own Redis, which it kills.
    celery_worker_process.env["REDIS_URL"] = own_redis.url
    celery_worker_process.env["OUTBOX_SEND_DELAY_SECONDS"] = "0.2"
    celery_worker_process.env["OUTBOX_BATCH_SIZE"] = "10"
    saved_broker = celery_app.conf.broker_url
    use_broker(celery_app, own_redis.url)
    try:
        celery_worker_process()
        reminders = Email.objects.filter(family="meetings.reminder")
        with Beat(every=settings.OUTBOX_SCAN_SECONDS):  # the beat's scan, on its schedule
            scan_reminders()  # 2 meetings × 30 participants = 60 reminders, kicked on commit
            wait_until(lambda: len(smtp_server.messages) >= 10)
            own_redis.kill()
            killed_at = time.monotonic()
            time.sleep(5)  # Redis is away: no kick, no scan reaches the worker
            own_redis.start()  # back, empty: every message it held is lost
            wait_until(lambda: reminders.count() == 60 and not reminders.filter(outcome="pending").exists(), 120)
            recovered = time.monotonic() - killed_at
    finally:
        use_broker(celery_app, saved_broker)
    time.sleep(1)
    at_server = message_ids(smtp_server)
    assert sum(at_server.values()) == 60, "missing or duplicate reminders"
    assert set(at_server.values()) == {1}
    assert set(reminders.values_list("outcome", flat=True)) == {"sent"}
    print(f"\nRedis kill: all 60 reminders {recovered:.1f} s after the kill")
    assert recovered < 90, recovered
