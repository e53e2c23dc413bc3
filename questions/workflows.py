"""A question's path, as a transition table: the leader answers or hands it to a colleague,
who answers under their own name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samspil.workflow import Transition, Workflow

from .models import Question
from .permissions import is_assignee, leads_asked_workplace

S = Question.Status

QUESTION = Workflow(
    "questions.question",
    [
        Transition(
            "hand_over",
            sources=(S.OPEN, S.HANDED_OVER),
            target=S.HANDED_OVER,
            allowed=leads_asked_workplace,
            label=_("Hand to a colleague"),
        ),
        Transition(
            "answer",
            sources=(S.OPEN, S.HANDED_OVER),
            target=S.ANSWERED,
            allowed=leads_asked_workplace | is_assignee,
            label=_("Answer"),
        ),
    ],
)
