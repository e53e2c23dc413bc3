"""What the code register holds about a person (accounts/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def register() -> None:
    from .models import Signature

    # Signatures are never deleted: the register must prove it is complete.
    privacy.register(
        "code_signatures",
        _("Your signatures of the code of conduct"),
        export=lambda person: privacy.rows(
            Signature.objects.filter(person=person),
            "version__number",
            "version__title",
            "signed_at",
            "roles",
            "text_sha256",
        ),
    )
