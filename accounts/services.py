from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue

from .models import Invitation

User = get_user_model()
INVITATION_FAMILY = "accounts.invitation"


def invitation_send(*, person, invited_by) -> Invitation:
    """Invite a person to set a password. Earlier open invitations stop working."""
    with transaction.atomic():
        Invitation.objects.open().filter(person=person).update(revoked_at=timezone.now())
        invitation, _token = Invitation.issue(person=person, invited_by=invited_by)
        # The email goes through the one outbox after the commit (accounts/emails.py).
        enqueue(
            family=INVITATION_FAMILY,
            key=f"{INVITATION_FAMILY}:{invitation.pk}",
            recipient=person,
            params={"invitation": invitation.pk},
        )
    return invitation


def person_invite(*, email: str, full_name: str, invited_by) -> Invitation:
    """Invite by email: a person Samspil already knows, or a new one."""
    email = email.strip().lower()
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(email=email, full_name=full_name.strip())
    return invitation_send(person=person, invited_by=invited_by)


def invitation_accept(*, invitation: Invitation, password: str):
    """Set the password and close the invitation. Two clicks on one link make one account:
    the conditional update lets only the first through."""
    with transaction.atomic():
        claimed = Invitation.objects.open().filter(pk=invitation.pk).update(accepted_at=timezone.now())
        if not claimed:
            return None
        person = invitation.person
        person.set_password(password)
        person.is_active = True
        person.save(update_fields=["password", "is_active"])
        Invitation.objects.open().filter(person=person).update(revoked_at=timezone.now())
    return person
