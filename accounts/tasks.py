from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from samspil.mail import send_templated_mail

from .models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.open().select_related("person", "invited_by").filter(pk=invitation_id).first()
    if invitation is None:
        return  # Revoked or accepted before the worker got to it.
    send_templated_mail(
        "accounts/email/invitation",
        to=invitation.person.email,
        context={
            "invitation": invitation,
            "person": invitation.person,
            "accept_url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[token]),
        },
    )


@shared_task(soft_time_limit=600, time_limit=900)
def purge_expired_personal_data() -> dict[str, int]:
    from .privacy import purge_expired

    return purge_expired()
