"""The accounts' emails, families of the one outbox (outbox/families.py): the invitation,
and allauth's own emails (password reset, address verification, …)."""

from __future__ import annotations

import json
import secrets
import uuid

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


# allauth renders its emails itself (accounts.adapters.InvitationOnlyAccountAdapter.send_mail).
ALLAUTH_FAMILY = "accounts.allauth"


def enqueue_allauth_mail(*, template_prefix: str, message) -> None:
    """One outbox row per email allauth sends (each call is its own event: a second reset
    request is a second email, as before). The rendered message holds a live link (a reset
    key), so the row keeps it encrypted like the two-factor secrets: the database alone
    hands out no one's password reset."""
    from outbox.services import enqueue

    from .adapters import encrypt_secret

    alternatives = [(content, mimetype) for content, mimetype in getattr(message, "alternatives", [])]
    sealed = encrypt_secret(
        json.dumps(
            {
                "subject": message.subject,
                "body": message.body,
                "from_email": message.from_email,
                "content_subtype": message.content_subtype,
                "alternatives": alternatives,
            }
        )
    )
    name = template_prefix.rsplit("/", 1)[-1]
    for address in message.to:
        enqueue(
            family=ALLAUTH_FAMILY,
            key=f"{ALLAUTH_FAMILY}:{name}:{uuid.uuid4().hex}",
            recipient=address,
            params={"template": template_prefix, "message": sealed},
        )


def build_allauth_mail(row):
    from django.core.mail import EmailMultiAlternatives

    from .adapters import decrypt_secret

    values = json.loads(decrypt_secret(row.params["message"]))
    message = EmailMultiAlternatives(
        subject=values["subject"], body=values["body"], from_email=values["from_email"], to=[row.address]
    )
    message.content_subtype = values["content_subtype"]
    for content, mimetype in values["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def register() -> None:
    from outbox import families

    from .services import INVITATION_FAMILY

    families.register(INVITATION_FAMILY, build_invitation)
    families.register(ALLAUTH_FAMILY, build_allauth_mail)
