"""The "roles have ended" notice to the administrators, a family of the one outbox
(outbox/families.py): one row per closing and administrator, built at send time."""

from __future__ import annotations

from django.db.models import F

from samspil.mail import build_templated_mail

from .models import Membership

MEMBERSHIPS_ENDED_FAMILY = "organisation.memberships_ended"


def build_memberships_ended(row):
    closed = list(
        Membership.objects.filter(pk__in=row.params["memberships"])
        .select_related("person", "committee", "workplace", "centre")
        .order_by("role", F("committee__name").asc(nulls_last=True), "person__full_name")
    )
    if not closed:
        return "the memberships no longer exist"
    return build_templated_mail(
        "organisation/email/memberships_ended",
        to=row.address,
        context={"memberships": closed, "count": len(closed)},
    )


def register() -> None:
    from outbox import families

    families.register(MEMBERSHIPS_ENDED_FAMILY, build_memberships_ended)
