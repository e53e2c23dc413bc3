"""Who a step concerns, from the current memberships (one query each)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from organisation.models import Membership, Role

POLITICIANS = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR)


def people_of_workplace(
    workplace,
    *,
    committee_roles: tuple[str, ...] = (),
    workplace_roles: tuple[str, ...] = (),
    centre_head: bool = False,
):
    """The active people who hold, today, one of the roles in the workplace, its
    committees (`committee_roles`) or its centre (its head)."""
    condition = Q(pk__in=[])
    if committee_roles:
        condition |= Q(role__in=committee_roles, committee__workplaces=workplace)
    if workplace_roles:
        condition |= Q(role__in=workplace_roles, workplace=workplace)
    if centre_head and workplace.centre_id:
        condition |= Q(role=Role.CENTRE_HEAD, centre_id=workplace.centre_id)
    ids = Membership.objects.current().filter(condition).values("person_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")
