"""Calendar invitations, updates and cancellations by email, one email per person.

The meeting services record what happened in `MeetingLogEntry` (meetings/services.py,
`log()`); `calendar_mail_for(entry)` runs inside the same transaction and enqueues the
emails in the one outbox (outbox/services.py; family "meetings.calendar", one row per
meeting, person, SEQUENCE and method) for the people who must be told. They go once the
transaction commits: a rolled-back change sends nothing, and a lost broker message is
picked up by the outbox's scan.

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

from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import Email
from outbox.services import enqueue_many
from samspil.mail import build_templated_mail

from ..models import Meeting, MeetingLogEntry, Participant
from .ics import attach_event, meeting_url, visit_title

FAMILY = "meetings.calendar"
REQUEST, CANCEL = "REQUEST", "CANCEL"
CALENDAR_FIELDS = {"starts_at", "ends_at", "place", "status", "title", "host"}
EVERYONE = None  # all current participants
LEAVING = {"booking.cancelled", "booking.declined", "booking.proposed"}
BOOKING_ACTIONS = {"booking.created", "booking.moved", "booking.accepted", *LEAVING}


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
        # updated event (meetings/visits/notifications.py); the other participants get it here.
        return [(entry.meeting_id, REQUEST, _everyone_but(entry.meeting_id, entry.booking.member_id))]
    if action in BOOKING_ACTIONS and entry.booking_id:
        plan = []
        member_id = entry.booking.member_id
        if action in LEAVING:
            # Cancelled by the member, declined by the leader, or another time proposed: the
            # member's event for this visit is cancelled (a proposal accepted sends the new one).
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


def calendar_key(meeting_id: int, person_id: int, sequence: int, method: str) -> str:
    """One email per meeting, person, version (SEQUENCE) and method."""
    return f"{FAMILY}:{meeting_id}:{person_id}:{sequence}:{method}"


def _everyone_but(meeting_id: int, person_id: int) -> list[int]:
    return list(
        Participant.objects.filter(meeting_id=meeting_id)
        .exclude(person_id=person_id)
        .values_list("person_id", flat=True)
    )


def calendar_mail_for(entry: MeetingLogEntry) -> None:
    """Called by `services.log()` inside the service's transaction."""
    now = timezone.now()
    for meeting_id, method, person_ids in _plan(entry):
        meeting = Meeting.objects.filter(pk=meeting_id).values("sequence", "ends_at").first()
        if meeting is None or (method == REQUEST and meeting["ends_at"] <= now):
            continue
        if person_ids is EVERYONE:
            person_ids = list(Participant.objects.filter(meeting_id=meeting_id).values_list("person_id", flat=True))
        enqueue_many(
            {
                "family": FAMILY,
                "key": calendar_key(meeting_id, person_id, meeting["sequence"], method),
                "topic": f"meetings.meeting:{meeting_id}",
                "recipient": person_id,
                "params": {"meeting": meeting_id, "sequence": meeting["sequence"], "method": method},
            }
            for person_id in person_ids
        )


def build_calendar_email(row: Email):
    """The email for one outbox row, or why none is needed (read at send time)."""
    meeting = Meeting.objects.filter(pk=row.params["meeting"]).first()
    person = row.recipient
    if meeting is None:
        return "the meeting was deleted"
    if person is None or not person.email or not person.is_active:
        return "no email address"
    sequence, method = row.params["sequence"], row.params["method"]
    newer = Email.objects.filter(
        family=FAMILY, topic=row.topic, recipient=person, params__sequence__gt=sequence
    ).exclude(pk=row.pk)
    if newer.exists():
        return "superseded by a newer version"
    participants = list(
        Participant.objects.filter(meeting=meeting).select_related("person").order_by("role", "person__full_name")
    )
    if method == REQUEST and meeting.is_cancelled:
        return "the meeting is cancelled"
    if method == REQUEST and not any(p.person_id == person.pk for p in participants):
        return "no longer a participant"
    if method == CANCEL and not meeting.is_cancelled:
        # Only this person leaves the meeting: the cancellation names them alone.
        participants = [Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST)]
    elif method == CANCEL and not any(p.person_id == person.pk for p in participants):
        # A cancellation names the attendee it cancels for, also when they left before the
        # whole meeting was cancelled (a member's cancelled visit): calendars match on it.
        participants.append(Participant(meeting=meeting, person=person, role=Participant.MeetingRole.GUEST))
    template = "meetings/email/invitation" if method == REQUEST else "meetings/email/cancellation"
    updated = sequence > 0 and method == REQUEST
    message = build_templated_mail(
        template,
        to=person.email,
        context={
            "meeting": meeting,
            "person": person,
            "meeting_url": meeting_url(meeting),
            "updated": updated,
            # The organiser gets the event too, but is not "invited" to their own meeting.
            "is_organiser": person.pk == meeting.organiser_id,
        },
    )
    attach_event(
        message,
        meeting,
        participants,
        method=method,
        summary=visit_summary(meeting, participants, person),
        notes=visit_notes(meeting),
    )
    return message


def visit_summary(meeting: Meeting, participants, person) -> str | None:
    """A visit's title in the host's calendar says who is coming ("Besøg: Anna Jensen");
    the politicians' own events keep the meeting's title (the workplace they visit)."""
    if meeting.visit_slot_id is None:
        return None
    politicians = [p for p in participants if p.role == Participant.MeetingRole.POLITICIAN]
    if not politicians or any(p.person_id == person.pk for p in politicians):
        return None
    return visit_title(p.person.full_name or str(p.person) for p in politicians)


def visit_notes(meeting: Meeting) -> str:
    """What each politician wrote as the purpose of their visit (the event's description)."""
    if meeting.visit_slot_id is None:
        return ""
    from meetings.models import Booking

    bookings = (
        Booking.objects.filter(slot_id=meeting.visit_slot_id, status=Booking.Status.BOOKED)
        .exclude(purpose="")
        .select_related("member")
        .order_by("created_at")
    )
    return "\n".join(
        _("Purpose (%(name)s): %(purpose)s") % {"name": b.member.full_name, "purpose": b.purpose} for b in bookings
    )


def register() -> None:
    from outbox import families

    families.register(FAMILY, build_calendar_email)
