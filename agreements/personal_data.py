"""What the agreements app holds about a person (accounts/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def register() -> None:
    from .models import Approval, GoalComment

    privacy.register(
        "agreement_comments",
        _("Your comments on development agreements"),
        export=lambda person: privacy.rows(
            GoalComment.objects.filter(author=person),
            "goal__agreement__workplace__name",
            "goal__title",
            "text",
            "created_at",
        ),
    )
    privacy.register(
        "agreement_signatures",
        _("Agreements you approved or signed"),
        export=lambda person: privacy.rows(
            Approval.objects.filter(person=person), "agreement__workplace__name", "kind", "capacity", "signed_at"
        ),
    )
