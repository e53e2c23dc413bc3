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

from meetings import delivery, reminders, services
from meetings.models import Reminder, ReminderOptOut
from meetings.tasks import scan_reminders
from tests.meetings import helpers

pytestmark = pytest.mark.django_db


def reminder_mails(outbox) -> list:
    return [m for m in outbox if m.extra_headers.get("Message-ID", "").startswith("<reminder-")]


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
    assert set(Reminder.objects.values_list("kind", "outcome")) == {("1d", "sent")}
    message = reminder_mails(mailoutbox)[0]
    assert "Dialogmøde om trivsel" in message.subject
    assert f"/moeder/{meeting.pk}/" in message.body


def test_a_reminder_is_due_from_its_offset_and_the_shorter_one_supersedes_it(org, mailoutbox):
    meeting_in(org, 24 * 8)  # 8 days away: nothing due yet
    scan_reminders()
    assert Reminder.objects.count() == 0
    meeting_in(org, 24 * 6)  # 6 days: the 7-day reminder
    meeting_in(org, 10)  # 10 hours: only the 1-day reminder, not a late 7-day one
    scan_reminders()
    kinds = {
        round((start - timezone.now()).total_seconds() / 3600): kind
        for start, kind in Reminder.objects.values_list("meeting__starts_at", "kind")
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
    assert set(Reminder.objects.filter(outcome="sent").values_list("due_for", flat=True)) == {
        meeting.starts_at,
        moved,
    }


def test_a_reminder_recorded_for_the_old_time_is_not_sent_after_a_move(org, mailoutbox, settings):
    meeting = meeting_in(org, 20)
    reminders.record_due()  # recorded, not yet sent
    moved = meeting.starts_at + dt.timedelta(hours=1)
    services.meeting_update(meeting=meeting, actor=org.chair, starts_at=moved, ends_at=moved + dt.timedelta(hours=2))
    scan_reminders()
    old = Reminder.objects.filter(due_for=meeting.starts_at)
    assert set(old.values_list("outcome", "last_error")) == {("skipped", "the meeting has moved")}
    assert set(Reminder.objects.filter(due_for=moved).values_list("outcome", flat=True)) == {"sent"}
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
    assert not Reminder.objects.filter(meeting=locked).exists()


def test_a_failed_send_is_retried_later_with_backoff_and_then_sent_once(org, settings, mailoutbox):
    meeting_in(org, 20)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nobody listens
    scan_reminders()
    rows = list(Reminder.objects.all())
    assert len(rows) == 3
    for row in rows:
        assert row.outcome == "" and row.attempts == 1 and row.claimed_at is None
        assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
        assert "ConnectionRefused" in row.last_error
    scan_reminders()  # still backing off: nothing is tried
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Reminder.objects.update(next_attempt_at=timezone.now(), queued_at=None)  # the backoff has passed
    scan_reminders()
    assert len(reminder_mails(mailoutbox)) == 3
    assert set(Reminder.objects.values_list("outcome", "attempts")) == {("sent", 2)}


def test_after_too_many_failures_a_reminder_is_marked_failed_not_dropped_silently(org, settings):
    settings.MEETING_MAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    meeting_in(org, 20)
    scan_reminders()
    assert set(Reminder.objects.values_list("outcome", flat=True)) == {"failed"}


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_timeout_and_sent_once(org, mailoutbox, settings):
    meeting_in(org, 20)
    reminders.record_due()
    row = Reminder.objects.filter(person=org.member).get()
    # A worker claimed it and died before sending.
    Reminder.objects.filter(pk=row.pk).update(claimed_at=timezone.now(), attempts=1)
    scan_reminders()
    assert recipients(mailoutbox) == ["chair@test.example", "leader@test.example"]
    assert delivery.claim(Reminder, row.pk) is None  # a live claim is not taken
    Reminder.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - settings.MEETING_MAIL_CLAIM_TIMEOUT - dt.timedelta(seconds=1),
        queued_at=timezone.now() - settings.MEETING_MAIL_CLAIM_TIMEOUT - dt.timedelta(seconds=1),
    )
    scan_reminders()
    scan_reminders()
    assert recipients(mailoutbox) == ["chair@test.example", "leader@test.example", "member@test.example"]


def test_a_row_is_claimed_by_one_delivery_only(org):
    meeting_in(org, 20)
    reminders.record_due()
    row = Reminder.objects.first()
    assert delivery.claim(Reminder, row.pk) is not None
    assert delivery.claim(Reminder, row.pk) is None


def test_the_reminder_kinds_follow_the_settings(settings):
    settings.MEETING_REMINDERS = [dt.timedelta(hours=2), dt.timedelta(days=3)]
    assert [kind.key for kind in reminders.all_kinds()] == ["3d", "2h", "minutes-missing"]
