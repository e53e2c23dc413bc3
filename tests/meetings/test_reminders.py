"""Reminders: due relative to the start, once per person, not to those who declined or
turned the kind off, none for cancelled meetings; minutes missing to the organiser.

These run in the test process (eager Celery, Django's test mailbox). The same guarantees
against a real worker on Redis, a real SMTP server and a killed worker are in
tests/meetings/test_reminders_worker.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.calendars import reminders
from meetings.models import ReminderOptOut
from meetings.tasks import scan_reminders as record_due_reminders
from outbox import services as outbox
from outbox.models import Email
from outbox.tasks import scan as outbox_scan
from tests.meetings import helpers

pytestmark = pytest.mark.django_db


def scan_reminders() -> None:
    """What the beat does every minute: record the due reminders, then the outbox's scan
    queues a batch (eager Celery here: it runs at once)."""
    record_due_reminders()
    outbox_scan()


def Reminders():
    return Email.objects.filter(family="meetings.reminder")


def reminder_mails(outbox) -> list:
    return [m for m in outbox if m.extra_headers.get("Message-ID", "").startswith("<meetings.reminder-")]


def recipients(outbox) -> list[str]:
    return sorted(m.to[0] for m in reminder_mails(outbox))


def meeting_in(org, hours: float, **extra):
    start = timezone.now() + dt.timedelta(hours=hours)
    return helpers.meeting(org, starts_at=start, ends_at=start + dt.timedelta(hours=2), **extra)


def test_a_meeting_due_in_one_day_reminds_each_participant_who_has_not_declined_once(org, mailoutbox):
    meeting = meeting_in(org, 20)
    services.participant_respond(meeting=meeting, person=org.leader, response="no")
    services.participant_respond(meeting=meeting, person=org.member, response="maybe")
    scan_reminders()
    scan_reminders()
    assert recipients(mailoutbox) == ["chair@test.example", "member@test.example"]
    assert set(Reminders().values_list("params__kind", "outcome")) == {("1d", "sent")}
    message = reminder_mails(mailoutbox)[0]
    assert "Dialogmøde om trivsel" in message.subject
    assert f"/moeder/{meeting.pk}/" in message.body


def test_a_reminder_is_due_from_its_offset_and_the_shorter_one_supersedes_it(org, mailoutbox):
    meeting_in(org, 24 * 8)  # 8 days away: nothing due yet
    scan_reminders()
    assert Reminders().count() == 0
    meeting_in(org, 24 * 6)  # 6 days: the 7-day reminder
    meeting_in(org, 10)  # 10 hours: only the 1-day reminder, not a late 7-day one
    scan_reminders()
    kinds = {
        round((dt.datetime.fromisoformat(start) - timezone.now()).total_seconds() / 3600): kind
        for start, kind in Reminders().values_list("params__due_for", "params__kind")
    }
    assert kinds == {144: "7d", 10: "1d"}
    assert len(reminder_mails(mailoutbox)) == 6  # three participants of each


def test_a_cancelled_meeting_sends_no_reminders(org, mailoutbox):
    meeting = meeting_in(org, 20)
    services.meeting_cancel(meeting=meeting, actor=org.chair, reason="Sygdom")
    scan_reminders()
    assert reminder_mails(mailoutbox) == []


def test_a_person_who_turned_the_kind_off_gets_none_but_still_gets_invitations(
    org, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    response = client_for(org.member).post(reverse("meetings:calendar"), {"form": "preferences", "kinds": ["7d"]})
    assert response.status_code == 302
    assert set(ReminderOptOut.objects.filter(person=org.member).values_list("kind", flat=True)) == {
        "1d",
        "minutes-missing",
    }
    with django_capture_on_commit_callbacks(execute=True):
        meeting_in(org, 20)
    assert "member@test.example" in [m.to[0] for m in mailoutbox if m.attachments]  # the invitation
    scan_reminders()
    assert recipients(mailoutbox) == ["chair@test.example", "leader@test.example"]


def test_moving_a_meeting_moves_its_reminders(org, mailoutbox):
    meeting = meeting_in(org, 20)
    scan_reminders()
    assert len(reminder_mails(mailoutbox)) == 3
    # Moved to another time the same day: a reminder for the new time goes too.
    moved = meeting.starts_at + dt.timedelta(hours=2)
    services.meeting_update(meeting=meeting, actor=org.chair, starts_at=moved, ends_at=moved + dt.timedelta(hours=2))
    scan_reminders()
    scan_reminders()
    assert len(reminder_mails(mailoutbox)) == 6
    assert set(Reminders().filter(outcome="sent").values_list("params__due_for", flat=True)) == {
        meeting.starts_at.isoformat(),
        moved.isoformat(),
    }


def test_a_reminder_recorded_for_the_old_time_is_not_sent_after_a_move(org, mailoutbox, settings):
    meeting = meeting_in(org, 20)
    reminders.record_due()  # recorded, not yet sent
    moved = meeting.starts_at + dt.timedelta(hours=1)
    services.meeting_update(meeting=meeting, actor=org.chair, starts_at=moved, ends_at=moved + dt.timedelta(hours=2))
    scan_reminders()
    old = Reminders().filter(params__due_for=meeting.starts_at.isoformat())
    assert set(old.values_list("outcome", "last_error")) == {("skipped", "the meeting has moved")}
    assert set(Reminders().filter(params__due_for=moved.isoformat()).values_list("outcome", flat=True)) == {"sent"}
    assert len(reminder_mails(mailoutbox)) == 3


def test_the_organiser_is_told_minutes_are_missing_two_days_after_the_meeting(org, mailoutbox):
    missing = meeting_in(org, -24 * 3)  # ended almost three days ago, no minutes
    services.meeting_mark_held(meeting=missing, actor=org.chair)
    locked = helpers.locked_minutes(meeting_in(org, -24 * 3 - 5), org.chair)
    meeting_in(org, -24)  # ended a day ago: not yet
    scan_reminders()
    scan_reminders()
    mails = reminder_mails(mailoutbox)
    assert [m.to for m in mails] == [["chair@test.example"]]
    assert f"/moeder/{missing.pk}/referat/" in mails[0].body
    assert not Reminders().filter(topic=f"meetings.meeting:{locked.pk}").exists()


def test_a_failed_send_is_retried_later_with_backoff_and_then_sent_once(org, settings, mailoutbox):
    meeting_in(org, 20)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nobody listens
    scan_reminders()
    rows = list(Reminders())
    assert len(rows) == 3
    for row in rows:
        assert row.outcome == "pending" and row.attempts == 1 and row.claimed_until is None
        assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
        assert "ConnectionRefused" in row.last_error
    scan_reminders()  # still backing off: nothing is tried
    assert set(Reminders().values_list("attempts", flat=True)) == {1}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Reminders().update(next_attempt_at=timezone.now())  # the backoff has passed
    scan_reminders()
    assert len(reminder_mails(mailoutbox)) == 3
    assert set(Reminders().values_list("outcome", "attempts")) == {("sent", 2)}


def test_after_too_many_failures_a_reminder_is_marked_failed_not_dropped_silently(org, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    meeting_in(org, 20)
    scan_reminders()
    assert set(Reminders().values_list("outcome", flat=True)) == {"failed"}


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_timeout_and_sent_once(org, mailoutbox, settings):
    meeting_in(org, 20)
    reminders.record_due()
    row = Reminders().filter(recipient=org.member).get()
    # A worker claimed it and died before sending.
    Reminders().filter(pk=row.pk).update(
        claimed_until=timezone.now() + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS), attempts=1
    )
    scan_reminders()
    assert recipients(mailoutbox) == ["chair@test.example", "leader@test.example"]
    assert outbox.claim_batch(limit=10)[1] == []  # a live claim is not taken
    # Nobody renews it: it runs out after OUTBOX_CLAIM_SECONDS (under a minute).
    assert settings.OUTBOX_CLAIM_SECONDS <= 60
    Reminders().filter(pk=row.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    scan_reminders()
    scan_reminders()
    assert recipients(mailoutbox) == ["chair@test.example", "leader@test.example", "member@test.example"]


def test_a_row_is_claimed_by_one_delivery_only(org):
    meeting_in(org, 20)
    reminders.record_due()
    claimed = outbox.claim_batch(limit=10)[1]  # the three reminders, and the three invitations
    assert {row.family for row in claimed} == {"meetings.reminder", "meetings.calendar"} and len(claimed) == 6
    assert outbox.claim_batch(limit=10)[1] == []


def test_the_reminder_kinds_follow_the_settings(settings):
    settings.MEETING_REMINDERS = [dt.timedelta(hours=2), dt.timedelta(days=3)]
    assert [kind.key for kind in reminders.all_kinds()] == ["3d", "2h", "minutes-missing"]
