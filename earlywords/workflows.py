"""The early word's one step, as a transition table: each person told acknowledges once."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from samspil.workflow import Transition, Workflow

from .models import Recipient


@rules.predicate
def is_the_person_told(user, recipient) -> bool:
    return recipient is not None and recipient.person_id == user.pk


RECIPIENT = Workflow(
    "earlywords.recipient",
    [
        Transition(
            "acknowledge",
            sources=(Recipient.Status.TOLD,),
            target=Recipient.Status.ACKNOWLEDGED,
            allowed=is_the_person_told,
            label=_("Acknowledge"),
        ),
    ],
)
