"""Reminders with a real Celery worker on Redis and a real SMTP server, counted at the server.

The beat task is called here in the test process; it queues batch tasks on Redis, and the
worker (a separate process on the test database) claims and sends each reminder.
"""

from __future__ import annotations

import collections
import datetime as dt
import time

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Participant
from meetings.tasks import scan_reminders as record_due_reminders
from outbox.models import Email
from outbox.tasks import scan as outbox_scan
from tests import factories
from tests.meetings import helpers
from tests.outbox.helpers import Beat, kill_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


@pytest.fixture
def cast(transactional_db):
    org = factories.build_org()
    helpers.kind()  # the kinds, which a transactional test's flush removed
    return org


def meeting_in(org, hours: float, **extra):
    start = timezone.now() + dt.timedelta(hours=hours)
    return helpers.meeting(org, starts_at=start, ends_at=start + dt.timedelta(hours=2), **extra)


def scan_reminders() -> None:
    """One beat: record the due reminders, then the outbox's scan."""
    record_due_reminders()
    outbox_scan()


def Reminders():
    return Email.objects.filter(family="meetings.reminder")


def quiet_invitations() -> None:
    """The invitations of the meetings made for the test are not what it counts."""
    Email.objects.filter(family="meetings.calendar").update(outcome="skipped")


def reminders_at(smtp_server) -> collections.Counter:
    """(recipient, subject) → how many reminder emails the SMTP server accepted."""
    return collections.Counter(
        (m["to"][0], str(m["message"]["Subject"]))
        for m in list(smtp_server.messages)
        if str(m["message"]["Message-ID"]).startswith("<meetings.reminder-")
    )


def all_done() -> bool:
    return not Reminders().filter(outcome="pending").exists()


def test_meetings_due_in_one_day_get_one_reminder_per_participant_who_has_not_declined_even_when_scanned_twice(
    cast, celery_worker_process, smtp_server
):
    org = cast
    first = meeting_in(org, 20)
    second = meeting_in(org, 22, title="Udvalgsmøde på skolen")
    meeting_in(org, 24 * 10)  # not due
    services.participant_respond(meeting=first, person=org.leader, response="no")
    quiet_invitations()
    celery_worker_process()
    scan_reminders()
    scan_reminders()
    wait_until(lambda: Reminders().count() == 5 and all_done())
    time.sleep(1)  # let a duplicate, if any, arrive
    counts = reminders_at(smtp_server)
    assert sorted((to, subject.split(":")[1].split(",")[0].strip()) for to, subject in counts) == [
        ("chair@test.example", "Dialogmøde om trivsel"),
        ("chair@test.example", "Udvalgsmøde på skolen"),
        ("leader@test.example", "Udvalgsmøde på skolen"),
        ("member@test.example", "Dialogmøde om trivsel"),
        ("member@test.example", "Udvalgsmøde på skolen"),
    ]
    assert set(counts.values()) == {1}
    assert second.pk  # both meetings counted above


def test_killing_the_worker_mid_batch_and_restarting_it_sends_every_reminder_once_within_90_seconds(
    cast, celery_worker_process, smtp_server, settings
):
    org = cast
    extra = [factories.UserFactory(email=f"guest{n}@test.example") for n in range(9)]
    for hours in (19, 21):
        meeting = meeting_in(org, hours)
        Participant.objects.bulk_create(
            [Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST) for person in extra]
        )
    quiet_invitations()  # 2 meetings × 12 participants = 24 reminders
    # Slow sends (tests only), so the kill lands mid-batch. The claim is the default
    # (OUTBOX_CLAIM_SECONDS, 45 s): what is measured is what production gets.
    celery_worker_process.env["OUTBOX_SEND_DELAY_SECONDS"] = "0.4"
    worker = celery_worker_process()
    record_due_reminders()  # enqueued; the commit kicks a batch
    wait_until(lambda: sum(reminders_at(smtp_server).values()) >= 5)
    time.sleep(0.2)  # inside the next send's delay: that reminder is claimed, not sent
    kill_worker(worker)
    killed_at = time.monotonic()
    sent_before = sum(reminders_at(smtp_server).values())
    assert 5 <= sent_before < 24
    stranded = Reminders().filter(outcome="pending", claimed_until__gt=timezone.now()).count()
    assert stranded >= 1  # the worker died holding these claims

    celery_worker_process()  # restarted
    with Beat(every=settings.OUTBOX_SCAN_SECONDS):  # the beat's scan, on its schedule
        wait_until(all_done, timeout=90)
    recovered = time.monotonic() - killed_at
    time.sleep(1)
    counts = reminders_at(smtp_server)
    assert sum(counts.values()) == 24
    assert set(counts.values()) == {1}
    assert set(Reminders().values_list("outcome", flat=True)) == {"sent"}
    print(f"\nWorker kill: all 24 reminders {recovered:.1f} s after the kill")
    assert recovered < 90, recovered


def test_moving_a_meeting_sends_reminders_for_the_new_time_not_the_old(cast, celery_worker_process, smtp_server):
    org = cast
    meeting = meeting_in(org, 20)
    quiet_invitations()
    from meetings.calendars import reminders

    reminders.record_due()  # the beat recorded the reminders for the old time …
    moved = meeting.starts_at + dt.timedelta(hours=3)
    services.meeting_update(meeting=meeting, actor=org.chair, starts_at=moved, ends_at=moved + dt.timedelta(hours=2))
    quiet_invitations()
    celery_worker_process()  # … and the worker starts only after the move
    scan_reminders()
    wait_until(lambda: Reminders().count() == 6 and all_done())
    time.sleep(1)
    counts = reminders_at(smtp_server)
    assert sum(counts.values()) == 3 and set(counts.values()) == {1}
    new_time = timezone.localtime(moved).strftime("%H:%M")
    assert all(new_time in subject for _to, subject in counts), counts
    old, new = meeting.starts_at.isoformat(), moved.isoformat()
    assert set(Reminders().filter(params__due_for=old).values_list("outcome", flat=True)) == {"skipped"}
    assert set(Reminders().filter(params__due_for=new).values_list("outcome", flat=True)) == {"sent"}


def test_two_workers_send_three_batches_each_reminder_once_and_each_batch_over_one_smtp_session(
    cast, celery_worker_process, smtp_server
):
    org = cast
    guests = [factories.UserFactory(email=f"guest{n}@test.example") for n in range(47)]
    for hours in (19, 20, 21):
        meeting = meeting_in(org, hours)
        Participant.objects.bulk_create(
            [Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST) for person in guests]
        )
    quiet_invitations()  # 3 meetings × 50 participants = 150 reminders: batches of 50
    celery_worker_process.env["OUTBOX_BATCH_SIZE"] = "50"
    celery_worker_process(name="-a")
    celery_worker_process(name="-b")
    scan_reminders()
    scan_reminders()  # a second beat queues nothing new
    wait_until(lambda: Reminders().count() == 150 and all_done(), timeout=90)
    time.sleep(1)
    counts = reminders_at(smtp_server)
    assert sum(counts.values()) == 150 and set(counts.values()) == {1}
    message_ids = [str(m["message"]["Message-ID"]) for m in smtp_server.messages]
    assert len(set(message_ids)) == len(message_ids)
    # One SMTP connection per batch, not one per email: three batches of 50, a fourth when
    # two workers' batches shared the last rows.
    assert 3 <= len(smtp_server.sessions) <= 4
