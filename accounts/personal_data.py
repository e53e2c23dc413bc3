"""What the foundation holds about a person, and how long it keeps what it must not keep forever."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import privacy


def _account(person) -> list[dict]:
    return [
        {
            "email": person.email,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "date_joined": person.date_joined,
            "last_login": person.last_login,
            "active": person.is_active,
        }
    ]


def _erase_account_extras(person) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    person.invitations.all().delete()
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    SocialAccount.objects.filter(user=person).delete()


def _memberships(person) -> list[dict]:
    return [
        {"role": m.get_role_display(), "unit": str(m.unit or ""), "starts_on": m.starts_on, "ends_on": m.ends_on}
        for m in person.memberships.select_related("committee", "workplace", "centre")
    ]


def _invitations(person) -> list[dict]:
    return [
        {"created_at": i.created_at, "expires_at": i.expires_at, "accepted_at": i.accepted_at}
        for i in person.invitations.all()
    ]


def _audit(person) -> list[dict]:
    from audit.models import AuditEntry

    return [
        {"at": e.at, "action": e.action, "object": e.object_repr, "from": e.source}
        for e in AuditEntry.objects.filter(actor=person)[:5000]
    ]


def _purge_imports(cutoff) -> int:
    from organisation.models import ImportJob

    jobs = list(ImportJob.objects.filter(created_at__lt=cutoff))
    for job in jobs:
        job.file.delete(save=False)
    return ImportJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()[0]


def _purge_invitations(cutoff) -> int:
    from .models import Invitation

    return Invitation.objects.filter(expires_at__lt=cutoff).delete()[0]


def _purge_audit(cutoff) -> int:
    from audit.models import AuditEntry

    return AuditEntry.objects.filter(at__lt=cutoff).delete()[0]


def register() -> None:
    privacy.register("account", _("Your account"), export=_account, erase=_erase_account_extras)
    privacy.register("memberships", _("Your roles"), export=_memberships)
    privacy.register("invitations", _("Invitations sent to you"), export=_invitations)
    privacy.register("audit", _("Changes you made"), export=_audit)
    privacy.register_retention("imports", _("Uploaded import files"), purge=_purge_imports)
    privacy.register_retention("invitations", _("Expired invitations"), purge=_purge_invitations)
    privacy.register_retention("audit", _("Audit trail"), purge=_purge_audit)
