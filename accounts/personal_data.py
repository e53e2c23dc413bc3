"""What the foundation holds about a person, and how long it keeps what it must not keep forever."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import privacy


def _account(person) -> list[dict]:
    from .models import User

    return privacy.rows(
        User.objects.filter(pk=person.pk), "email", "full_name", "job_title", "date_joined", "last_login", "is_active"
    )


def _erase_account_extras(person) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    person.invitations.all().delete()
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    SocialAccount.objects.filter(user=person).delete()


def _memberships(person) -> list[dict]:
    return privacy.rows(
        person.memberships.order_by("-starts_on"),
        "role",
        "committee__name",
        "workplace__name",
        "centre__name",
        "starts_on",
        "ends_on",
    )


def _invitations(person) -> list[dict]:
    return privacy.rows(person.invitations.all(), "created_at", "expires_at", "accepted_at")


def _audit(person) -> list[dict]:
    from audit.models import AuditEntry

    return privacy.rows(AuditEntry.objects.filter(actor=person), "at", "action", "object_repr", "source", limit=5000)


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
