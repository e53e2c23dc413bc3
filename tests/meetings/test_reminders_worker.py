"""Reminders with a real Celery worker on Redis and a real SMTP server, counted at the server.

The beat task is called here in the test process; it queues batch tasks on Redis, and the
worker (a separate process on the test database) claims and sends each reminder.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import os
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import CalendarMessage, Participant, Reminder
from meetings.tasks import scan_reminders
from tests import factories
from tests.meetings import helpers

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


@pytest.fixture
def cast(transactional_db):
    org = factories.build_org()
    helpers.kind()  # the kinds, which a transactional test's flush removed
    return org


def meeting_in(org, hours: float, **extra):
    start = timezone.now() + dt.timedelta(hours=hours)
    return helpers.meeting(org, starts_at=start, ends_at=start + dt.timedelta(hours=2), **extra)


def quiet_invitations() -> None:
    """The invitations of the meetings made for the test are not what it counts."""
    CalendarMessage.objects.update(outcome="skipped")


def reminders_at(smtp_server) -> collections.Counter:
    """(recipient, subject) → how many reminder emails the SMTP server accepted."""
    return collections.Counter(
        (m["to"][0], str(m["message"]["Subject"]))
        for m in list(smtp_server.messages)
        if str(m["message"]["Message-ID"]).startswith("<reminder-")
    )


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def all_done() -> bool:
    return not Reminder.objects.filter(outcome="").exists()


def kill_worker(process) -> None:
    """SIGKILL the worker and its pool processes: nothing gets to clean up."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == process.pid:
            children.append(int(stat.parent.name))
    for pid in [*children, process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


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
    wait_until(lambda: Reminder.objects.count() == 5 and all_done())
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


def test_killing_the_worker_mid_batch_and_restarting_it_still_sends_exactly_one_each(
    cast, celery_worker_process, smtp_server, settings
):
    org = cast
    extra = [factories.UserFactory(email=f"guest{n}@test.example") for n in range(9)]
    for hours in (19, 21):
        meeting = meeting_in(org, hours)
        Participant.objects.bulk_create(
            [Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST) for person in extra]
        )
    quiet_invitations()  # 2 meetings × 12 participants = 24 reminders in one batch
    # Slow sends (tests only), and a short claim timeout so the dead worker's claim expires soon.
    celery_worker_process.env["MEETING_MAIL_SEND_DELAY_SECONDS"] = "0.4"
    celery_worker_process.env["MEETING_MAIL_CLAIM_TIMEOUT_SECONDS"] = "3"
    settings.MEETING_MAIL_CLAIM_TIMEOUT = dt.timedelta(seconds=3)
    worker = celery_worker_process()
    scan_reminders()
    wait_until(lambda: sum(reminders_at(smtp_server).values()) >= 5)
    time.sleep(0.2)  # inside the next send's delay: that reminder is claimed, not sent
    kill_worker(worker)
    sent_before = sum(reminders_at(smtp_server).values())
    assert 5 <= sent_before < 24
    claimed_unsent = Reminder.objects.filter(outcome="", claimed_at__isnull=False).count()
    assert claimed_unsent == 1  # the worker died holding this claim

    celery_worker_process()  # restarted; the killed batch's message is still unacknowledged on Redis
    time.sleep(3.5)  # the dead worker's claim expires
    scan_reminders()  # the beat queues everything not sent, the orphaned claim included
    wait_until(all_done, timeout=90)
    time.sleep(1)
    counts = reminders_at(smtp_server)
    assert sum(counts.values()) == 24
    assert set(counts.values()) == {1}
    assert set(Reminder.objects.values_list("outcome", flat=True)) == {"sent"}


def test_moving_a_meeting_sends_reminders_for_the_new_time_not_the_old(cast, celery_worker_process, smtp_server):
    org = cast
    meeting = meeting_in(org, 20)
    quiet_invitations()
    from meetings import reminders

    reminders.record_due()  # the beat recorded the reminders for the old time …
    moved = meeting.starts_at + dt.timedelta(hours=3)
    services.meeting_update(meeting=meeting, actor=org.chair, starts_at=moved, ends_at=moved + dt.timedelta(hours=2))
    quiet_invitations()
    celery_worker_process()  # … and the worker starts only after the move
    scan_reminders()
    wait_until(lambda: Reminder.objects.count() == 6 and all_done())
    time.sleep(1)
    counts = reminders_at(smtp_server)
    assert sum(counts.values()) == 3 and set(counts.values()) == {1}
    new_time = timezone.localtime(moved).strftime("%H:%M")
    assert all(new_time in subject for _to, subject in counts), counts
    assert set(Reminder.objects.filter(due_for=meeting.starts_at).values_list("outcome", flat=True)) == {"skipped"}
    assert set(Reminder.objects.filter(due_for=moved).values_list("outcome", flat=True)) == {"sent"}


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
    quiet_invitations()  # 3 meetings × 50 participants = 150 reminders: three batches of 50
    celery_worker_process(name="-a")
    celery_worker_process(name="-b")
    scan_reminders()
    scan_reminders()  # a second beat queues nothing new
    wait_until(lambda: Reminder.objects.count() == 150 and all_done(), timeout=90)
    time.sleep(1)
    counts = reminders_at(smtp_server)
    assert sum(counts.values()) == 150 and set(counts.values()) == {1}
    message_ids = [str(m["message"]["Message-ID"]) for m in smtp_server.messages]
    assert len(set(message_ids)) == len(message_ids)
    # One SMTP connection per batch, not one per email.
    assert len(smtp_server.sessions) == 3
