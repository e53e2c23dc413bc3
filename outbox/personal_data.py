"""What the outbox holds about a person (accounts/privacy.py): the emails sent or waiting."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def register() -> None:
    from .models import Email

    privacy.register(
        "outbox",
        _("Emails sent to you"),
        export=lambda person: privacy.rows(
            Email.objects.filter(recipient=person).order_by("-created_at"),
            "family",
            "created_at",
            "sent_at",
            "outcome",
        ),
        # The rows go, waiting ones too: an erased person is sent nothing more.
        erase=lambda person: Email.objects.filter(recipient=person).delete(),
    )
