"""The invitation email, one family of the one outbox (outbox/families.py)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse

from samspil.mail import build_templated_mail

from .models import Invitation, _hash_token


def build_invitation(row):
    """The invitation email for one outbox row, or why none is needed.

    The outbox stores no secret: the token in the link is drawn here, at send time, and
    only its hash replaces the invitation's (the one `Invitation.issue` drew is never
    shown). A copy sent in the outbox's one duplicate window carries a newer token; the
    newest link works.
    """
    invitation = Invitation.objects.open().select_related("person").filter(pk=row.params["invitation"]).first()
    if invitation is None:
        return "revoked or accepted before it was sent"
    token = secrets.token_urlsafe(32)
    if not Invitation.objects.open().filter(pk=invitation.pk).update(token_hash=_hash_token(token)):
        return "revoked or accepted before it was sent"
    return build_templated_mail(
        "accounts/email/invitation",
        to=invitation.person.email,
        context={
            "invitation": invitation,
            "person": invitation.person,
            "accept_url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[token]),
        },
    )


def register() -> None:
    from outbox import families

    from .services import INVITATION_FAMILY

    families.register(INVITATION_FAMILY, build_invitation)
