"""Calendar invitations, updates and cancellations by email, one email per person.

The meeting services record what happened in `MeetingLogEntry` (meetings/services.py,
`log()`); `calendar_mail_for(entry)` runs inside the same transaction and writes the
outbox rows (`CalendarMessage`, unique per meeting, person, SEQUENCE and method) for the
people who must be told, then queues the sending once the transaction commits: a rolled-back
change sends nothing, and a lost broker message is picked up by the beat scan.

Who is told:
- meeting created / changed (time, place, title, status) → every participant, REQUEST;
- meeting confirmed by its organiser → every participant, REQUEST (STATUS:CONFIRMED);
- meeting cancelled → every participant, CANCEL;
- participant added → that person, REQUEST;
- visit booked / moved → the visit's participants (the member and the leader), REQUEST;
- booking confirmed → the visit's other participants, REQUEST (the member's confirmation
  email carries the same updated event);
  a moved or cancelled booking → the member, CANCEL for the visit they left.
Meetings that have ended get no invitations. Reminder preferences do not apply here.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from samspil.mail import build_templated_mail

from . import delivery
from .calendar import attach_event, meeting_url
from .models import CalendarMessage, Meeting, MeetingLogEntry, Participant

REQUEST, CANCEL = CalendarMessage.Method.REQUEST, CalendarMessage.Method.CANCEL
CALENDAR_FIELDS = {"starts_at", "ends_at", "place", "status", "title", "host"}
EVERYONE = None  # all current participants


def _plan(entry: MeetingLogEntry) -> list[tuple[int, str, list[int] | None]]:
    """(meeting id, method, person ids or EVERYONE) for a log entry."""
    action, detail = entry.action, entry.detail or {}
    if action == "meeting.created":
        return [(entry.meeting_id, REQUEST, EVERYONE)]
    if action == "meeting.changed" and CALENDAR_FIELDS & set(detail.get("fields", [])):
        return [(entry.meeting_id, REQUEST, EVERYONE)]
    if action == "meeting.confirmed":
        # TENTATIVE becomes CONFIRMED in everyone's calendar.
        return [(entry.meeting_id, REQUEST, EVERYONE)]
    if action == "meeting.cancelled":
        return [(entry.meeting_id, CANCEL, EVERYONE)]
    if action == "participant.added" and detail.get("person"):
        return [(entry.meeting_id, REQUEST, [detail["person"]])]
    if action == "booking.confirmed" and entry.meeting_id:
        # The visit is confirmed (SEQUENCE up): the member's confirmation email carries the
        # updated event (meetings/notifications.py); the other participants get it here.
        return [(entry.meeting_id, REQUEST, _everyone_but(entry.meeting_id, entry.booking.member_id))]
    if action in {"booking.created", "booking.moved", "booking.cancelled"} and entry.booking_id:
        plan = []
        member_id = entry.booking.member_id
        if action == "booking.cancelled":
            left = Meeting.objects.filter(visit_slot_id=entry.slot_id).values_list("pk", flat=True).first()
            if left:
                plan.append((left, CANCEL, [member_id]))
        else:
            if action == "booking.moved" and detail.get("moved_from"):
                left = Meeting.objects.filter(visit_slot_id=detail["moved_from"]).values_list("pk", flat=True).first()
                if left:
                    plan.append((left, CANCEL, [member_id]))
            if entry.meeting_id:
                plan.append((entry.meeting_id, REQUEST, EVERYONE))
        return plan
    return []


def _everyone_but(meeting_id: int, person_id: int) -> list[int]:
    return list(
        Participant.objects.filter(meeting_id=meeting_id)
        .exclude(person_id=person_id)
        .values_list("person_id", flat=True)
    )


def calendar_mail_for(entry: MeetingLogEntry) -> None:
    """Called by `services.log()` inside the service's transaction."""
    from .tasks import send_calendar_messages

    now = timezone.now()
    for meeting_id, method, person_ids in _plan(entry):
        meeting = Meeting.objects.filter(pk=meeting_id).values("sequence", "ends_at").first()
        if meeting is None or (method == REQUEST and meeting["ends_at"] <= now):
            continue
        if person_ids is EVERYONE:
            person_ids = list(Participant.objects.filter(meeting_id=meeting_id).values_list("person_id", flat=True))
        CalendarMessage.objects.bulk_create(
            [
                CalendarMessage(
                    meeting_id=meeting_id,
                    person_id=person_id,
                    sequence=meeting["sequence"],
                    method=method,
                    queued_at=now,
                )
                for person_id in person_ids
            ],
            ignore_conflicts=True,
        )
        # delay_on_commit, but robust: if the broker is down the change still stands and
        # the rows wait for the beat scan (meetings.tasks.scan_reminders) to queue them.
        transaction.on_commit(partial(send_calendar_messages.delay, meeting_id), robust=True)


def build_calendar_email(row: CalendarMessage):
    """The email for one outbox row, or why none is needed."""
    meeting, person = row.meeting, row.person
    if not person.email or not person.is_active:
        return "no email address"
    if CalendarMessage.objects.filter(meeting=meeting, person=person, sequence__gt=row.sequence).exists():
        return "superseded by a newer version"
    participants = list(
        Participant.objects.filter(meeting=meeting).select_related("person").order_by("role", "person__full_name")
    )
    method = row.method
    if method == REQUEST and meeting.is_cancelled:
        return "the meeting is cancelled"
    if method == REQUEST and not any(p.person_id == person.pk for p in participants):
        return "no longer a participant"
    if method == CANCEL and not meeting.is_cancelled:
        # Only this person leaves the meeting: the cancellation names them alone.
        participants = [Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST)]
    template = "meetings/email/invitation" if method == REQUEST else "meetings/email/cancellation"
    updated = row.sequence > 0 and method == REQUEST
    message = build_templated_mail(
        template,
        to=person.email,
        context={"meeting": meeting, "person": person, "meeting_url": meeting_url(meeting), "updated": updated},
    )
    attach_event(message, meeting, participants, method=method)
    message.extra_headers["Message-ID"] = delivery.message_id("calendar", row.pk)
    return message


def send_for_meeting(meeting_id: int) -> dict[str, int]:
    """Send every waiting calendar email of one meeting, each claimed first."""
    counts: dict[str, int] = {}
    ids = list(
        delivery.claimable(CalendarMessage).filter(meeting_id=meeting_id).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        result = delivery.deliver(CalendarMessage, pk, build_calendar_email)
        counts[result] = counts.get(result, 0) + 1
    return counts


def send_rows(ids: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pk in ids:
        result = delivery.deliver(CalendarMessage, pk, build_calendar_email)
        counts[result] = counts.get(result, 0) + 1
    return counts
