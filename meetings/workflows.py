"""The transition tables of meetings and their minutes: the one place their steps are declared.

    meeting:  planned ──confirm──▶ confirmed
              planned | confirmed ──hold (once it has started)──▶ held
              planned | confirmed ──cancel──▶ cancelled
    minutes:  draft ──amend──▶ amended;  draft | amended ──lock──▶ locked
              draft | amended: record_attendance, ask_to_read (the writer), read, comment
              (who was asked to read) — self-loops; the lock warns before the reading deadline
    booking:  booked (requested) ──confirm──▶ booked (confirmed);  booked ──cancel──▶ cancelled;
              booked ──move──▶ moved (and a new booking at the new time);
              booked (requested) ──decline──▶ declined;  ──propose──▶ proposed (another time kept);
              proposed ──accept──▶ moved (a confirmed booking at the proposed time)
                       ──reject──▶ cancelled;  ──decline (the leader withdraws)──▶ declined

Self-loops (target None) are what people do without moving the state: edit the meeting,
answer an invitation. Services enforce the tables; templates show `available_actions`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organisation.permissions import is_administrator, of
from samspil.workflow import Transition, Workflow

from .models import Booking, Meeting, Minutes
from .permissions import (
    asked_to_read,
    changes_meeting,
    is_participant,
    leads_booking_workplace,
    locks_minutes,
    owns_booking,
    writes_minutes,
)

M = Meeting.Status
MS = Minutes.Status


def _started(meeting: Meeting) -> bool:
    return meeting.has_started


def _not_over(meeting: Meeting) -> bool:
    return not meeting.is_past


MEETING = Workflow(
    name="meeting",
    transitions=[
        Transition("edit", (M.PLANNED, M.CONFIRMED, M.HELD), None, allowed=changes_meeting),
        Transition("confirm", (M.PLANNED,), M.CONFIRMED, allowed=changes_meeting),
        Transition(
            "hold",
            (M.PLANNED, M.CONFIRMED),
            M.HELD,
            allowed=changes_meeting,
            when=_started,
            refusal=_("A meeting can be marked as held once it has started."),
        ),
        Transition("cancel", (M.PLANNED, M.CONFIRMED), M.CANCELLED, allowed=changes_meeting),
        Transition("respond", (M.PLANNED, M.CONFIRMED), None, allowed=is_participant, when=_not_over),
    ],
)


def _meeting_started(minutes: Minutes) -> bool:
    return minutes.meeting.has_started


def _written(minutes: Minutes) -> bool:
    return minutes.version > 0


_of_meeting = {
    name: of(predicate, lambda minutes: minutes.meeting, f"minutes_{name}")
    for name, predicate in (("write", writes_minutes), ("lock", locks_minutes))
}

MINUTES = Workflow(
    name="minutes",
    transitions=[
        # The first save keeps the draft; every later save amends it.
        Transition("write", (MS.DRAFT,), MS.DRAFT, allowed=_of_meeting["write"]),
        Transition("amend", (MS.DRAFT, MS.AMENDED), MS.AMENDED, allowed=_of_meeting["write"]),
        # Minutes people can use (meetings/minutes.py): who came, and reading before the lock.
        Transition(
            "record_attendance",
            (MS.DRAFT, MS.AMENDED),
            None,
            allowed=_of_meeting["lock"],
            when=_meeting_started,
            refusal=_("Attendance is recorded once the meeting has started."),
        ),
        Transition(
            "ask_to_read",
            (MS.DRAFT, MS.AMENDED),
            None,
            allowed=_of_meeting["lock"],
            when=_written,
            refusal=_("Write the minutes before you ask others to read them."),
        ),
        Transition("read", (MS.DRAFT, MS.AMENDED), None, allowed=asked_to_read),
        Transition("comment", (MS.DRAFT, MS.AMENDED), None, allowed=asked_to_read),
        Transition("lock", (MS.DRAFT, MS.AMENDED), MS.LOCKED, allowed=_of_meeting["lock"]),
    ],
)

B = Booking.Status


def _unconfirmed(booking: Booking) -> bool:
    return booking.confirmed_at is None


_answers = is_administrator | leads_booking_workplace
_owns = is_administrator | owns_booking
_answered = _("The booking is already answered, cancelled or moved.")

BOOKING = Workflow(
    name="booking",
    transitions=[
        # The leader's answer to a request, once: yes (confirm keeps it booked), no with a
        # reason (decline), or another time with a reason (propose; the member answers).
        # Confirm and decline of one booking at once: the services lock the booking row and
        # re-read it, so the second sees the first and is refused.
        Transition("confirm", (B.BOOKED,), None, allowed=_answers, when=_unconfirmed, refusal=_answered),
        Transition(
            "decline", (B.BOOKED, B.PROPOSED), B.DECLINED, allowed=_answers, when=_unconfirmed, refusal=_answered
        ),
        Transition("propose", (B.BOOKED,), B.PROPOSED, allowed=_answers, when=_unconfirmed, refusal=_answered),
        Transition("cancel", (B.BOOKED,), B.CANCELLED, allowed=_owns),
        Transition("move", (B.BOOKED,), B.MOVED, allowed=_owns),
        # The member's answer to a proposed time: take it (a new, confirmed booking there) or not.
        Transition("accept", (B.PROPOSED,), B.MOVED, allowed=_owns),
        Transition("reject", (B.PROPOSED,), B.CANCELLED, allowed=_owns),
    ],
)
