"""The transition tables of meetings and their minutes: the one place their steps are declared.

    meeting:  planned ──confirm──▶ confirmed
              planned | confirmed ──hold (once it has started)──▶ held
              planned | confirmed ──cancel──▶ cancelled
    minutes:  draft ──amend──▶ amended;  draft | amended ──lock──▶ locked

Self-loops (target None) are what people do without moving the state: edit the meeting,
answer an invitation. Services enforce the tables; templates show `available_actions`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organisation.permissions import of
from samspil.workflow import Transition, Workflow

from .models import Meeting, Minutes
from .permissions import changes_meeting, is_participant, locks_minutes, writes_minutes

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
        Transition("lock", (MS.DRAFT, MS.AMENDED), MS.LOCKED, allowed=_of_meeting["lock"]),
    ],
)
