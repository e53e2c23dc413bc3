from __future__ import annotations

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue

from .models import Invitation, UserSession

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
        # Never is_active = True here: a deactivated person's invitation does not bring them
        # back (issue 14, point 4); find_open refuses it, and this guards a race with it.
        person.save(update_fields=["password"])
        Invitation.objects.open().filter(person=person).update(revoked_at=timezone.now())
        # The invitation came to this address, so following it proves the address; someone
        # else's unverified claim on it goes.
        EmailAddress.objects.filter(email__iexact=person.email, verified=False).exclude(user=person).delete()
        known_address_verified(person)
    return person


def known_address_verified(person) -> None:
    """The address Samspil knows a person by (User.email) is their verified, primary address.

    It came from the municipality's list, an invitation that was followed, or a change whose
    link was followed. allauth must see it verified: with ACCOUNT_CHANGE_EMAIL it takes an
    unverified address for the pending change and removes it (emptying User.email) when a
    new one is added.
    """
    if not person.email:
        return
    with transaction.atomic():
        EmailAddress.objects.filter(user=person, primary=True).exclude(email=person.email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )


def sessions_end(*, user, keep: str | None = None, only: int | None = None) -> int:
    """End a person's signed-in sessions (all, all but `keep`, or the one row `only`)."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    if only is not None:
        rows = rows.filter(pk=only)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for row in list(rows):
        store(session_key=row.session_key).delete()
        row.delete()
        ended += 1
    return ended


def sessions_alive(*, user) -> list[UserSession]:
    """The person's sessions that still exist; a row left by a session that expired without
    a logout is deleted when it is seen."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    alive = []
    for row in UserSession.objects.filter(user=user):
        if store.exists(row.session_key):
            alive.append(row)
        else:
            row.delete()
    return alive


def person_deactivated(person) -> None:
    """A person who leaves: open invitations stop working and every session ends."""
    Invitation.objects.open().filter(person=person).update(revoked_at=timezone.now())
    sessions_end(user=person)
