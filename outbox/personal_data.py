"""What the outbox holds about a person (accounts/privacy.py): the emails sent or waiting."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import privacy


def _of(person):
    """Rows to the person's account, and rows addressed to their address alone (allauth's
    emails, accounts.allauth, are addressed by address)."""
    from .models import Email

    mine = Q(recipient=person)
    if person.email:
        mine |= Q(recipient=None, to_address__iexact=person.email)
    return Email.objects.filter(mine)


def register() -> None:
    privacy.register(
        "outbox",
        _("Emails sent to you"),
        export=lambda person: privacy.rows(
            _of(person).order_by("-created_at"),
            "family",
            "created_at",
            "sent_at",
            "outcome",
        ),
        # The rows go, waiting ones too: an erased person is sent nothing more.
        erase=lambda person: _of(person).delete(),
    )
