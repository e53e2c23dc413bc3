"""The start page: early words told to the person and not acknowledged yet come first."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import navigation, startpage
from portal.startpage import NextStep

# Only for those who give or receive early words: leaders, centre heads, chairs, directors
# (and administrators); nobody else needs the item.
navigation.register(
    gettext_lazy("Early words"),
    "earlywords:list",
    order=85,
    visible=lambda roles: bool(
        roles.led_workplace_ids or roles.headed_centre_ids or roles.chaired_committee_ids or roles.is_leadership
    ),
    icon="megaphone",
)


@startpage.register
def early_word_steps(user, roles) -> list[NextStep]:
    # Only chairs and directors are told: everyone else costs no query.
    if not (roles.chaired_committee_ids or roles.is_director):
        return []
    from .models import Recipient

    waiting = (
        Recipient.objects.filter(person=user, status=Recipient.Status.TOLD)
        .select_related("early_word__workplace")
        .order_by("told_at")[:10]
    )
    return [
        NextStep(
            _("Confidential early word from %(workplace)s: “%(subject)s”. Read and acknowledge it.")
            % {"workplace": recipient.early_word.workplace.name, "subject": recipient.early_word.subject},
            reverse("earlywords:detail", args=[recipient.early_word_id]),
            1,
            "megaphone",
        )
        for recipient in waiting
    ]
