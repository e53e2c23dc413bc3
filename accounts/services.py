from __future__ import annotations

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import enqueue
from samspil.errors import ServiceError

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


# --- Many invitations at once (issue 16.6) -------------------------------------------------------

# The progress is written every twentieth of a round, at most every this many people: a round
# of 5,000 costs 100 small UPDATEs.
ROUND_PROGRESS_EVERY = 50


def invitation_round_people(*, scope: str, committee=None, workplace=None, person_ids=()) -> list[int]:
    """The people a round reaches, each once, by name."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from organisation.models import Membership

    from .models import InvitationRound

    Scope = InvitationRound.Scope
    if scope == Scope.SELECTION:
        people = User.objects.filter(pk__in=[int(pk) for pk in person_ids])
    elif scope == Scope.COMMITTEE:
        people = User.objects.filter(
            pk__in=Membership.objects.current().filter(committee=committee).values("person_id")
        )
    elif scope == Scope.WORKPLACE:
        people = User.objects.filter(
            pk__in=Membership.objects.current().filter(workplace=workplace).values("person_id")
        )
    elif scope == Scope.WITHOUT_ACCOUNT:
        people = User.objects.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    else:
        raise ServiceError(_("Choose whom to invite."), field="scope")
    return list(people.order_by("full_name", "pk").values_list("pk", flat=True))


def invitation_round_create(*, scope: str, invited_by, committee=None, workplace=None, person_ids=()):
    """Make a round and send it by a worker after the commit; the page follows its progress."""
    from .models import InvitationRound
    from .tasks import run_invitation_round

    Scope = InvitationRound.Scope
    if scope == Scope.COMMITTEE and committee is None:
        raise ServiceError(_("Choose a committee."), field="committee")
    if scope == Scope.WORKPLACE and workplace is None:
        raise ServiceError(_("Choose a workplace."), field="workplace")
    ids = invitation_round_people(scope=scope, committee=committee, workplace=workplace, person_ids=person_ids)
    if not ids:
        field = {"committee": "committee", "workplace": "workplace"}.get(
            scope, "people" if scope == Scope.SELECTION else None
        )
        raise ServiceError(_("Nobody to invite: the choice holds no people."), field=field, code="empty")
    label = {
        Scope.SELECTION: _("%(n)s people ticked in the list") % {"n": len(ids)},
        Scope.COMMITTEE: getattr(committee, "name", ""),
        Scope.WORKPLACE: getattr(workplace, "name", ""),
        Scope.WITHOUT_ACCOUNT: _("Everyone without an account"),
    }[scope]
    with transaction.atomic():
        invitation_round = InvitationRound.objects.create(
            scope=scope, label=str(label)[:300], person_ids=ids, total=len(ids), created_by=invited_by
        )
        run_invitation_round.delay_on_commit(invitation_round.pk)
    return invitation_round


def invitation_round_run(*, round_id: int):
    """Send one round. A redelivered task finds the round claimed and does nothing; each person
    gets one invitation (one outbox row) per round, in their own transaction, so a failure
    for one is reported and the others go on."""
    import logging

    from .models import InvitationRound

    claimed = InvitationRound.objects.filter(pk=round_id, status=InvitationRound.Status.PENDING).update(
        status=InvitationRound.Status.RUNNING
    )
    if not claimed:
        return None
    invitation_round = InvitationRound.objects.select_related("created_by").get(pk=round_id)
    people = User.objects.in_bulk(invitation_round.person_ids)
    invited, had_account, failed = 0, 0, []
    every = max(1, min(ROUND_PROGRESS_EVERY, invitation_round.total // 20))
    for done, person_id in enumerate(dict.fromkeys(invitation_round.person_ids), start=1):
        person = people.get(person_id)
        if person is None:
            failed.append({"name": "", "email": "", "reason": str(_("The person no longer exists."))})
        elif person.has_usable_password():
            had_account += 1
        elif not person.is_active:
            failed.append(_failure(person, _("The person is deactivated.")))
        elif not person.email:
            failed.append(_failure(person, _("No email address.")))
        else:
            try:
                invitation_send(person=person, invited_by=invitation_round.created_by)
            except Exception:  # reported in the round, logged for the operator; the others go on
                logging.getLogger(__name__).exception("invitation round %s: person %s", round_id, person_id)
                failed.append(_failure(person, _("The invitation could not be made. Try again.")))
            else:
                invited += 1
        if done % every == 0:
            InvitationRound.objects.filter(pk=round_id).update(processed=done)
    InvitationRound.objects.filter(pk=round_id).update(
        status=InvitationRound.Status.DONE,
        processed=invitation_round.total,
        report={"invited": invited, "had_account": had_account, "failed": failed},
        finished_at=timezone.now(),
    )
    return InvitationRound.objects.get(pk=round_id)


def _failure(person, reason) -> dict:
    return {"name": person.full_name, "email": person.email, "reason": str(reason)}
