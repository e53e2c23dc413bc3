"""Who may see and change the organisation's objects: the rules every view asks, and the
role predicates every app composes (the one permission vocabulary).

The role predicates below answer "what is this person to this unit" from
`organisation.roles.roles_of`; an app's permissions.py combines them with its own object
states (`of(leads_workplace, lambda agreement: agreement.workplace)`), and every
`get_<x>_for_user` goes through `samspil.access.get_object_for_user`.

Committees and workplaces are the municipality's public structure, so every signed-in
person may read them; memberships name people, so only the people concerned may.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.db import connection

from samspil.access import check_object_for_user, get_object_for_user
from samspil.compiled import CompiledQuery, StandIns

from .roles import roles_of


@rules.predicate
def is_administrator(user) -> bool:
    return roles_of(user).is_administrator


@rules.predicate
def is_leadership(user) -> bool:
    return roles_of(user).is_leadership


@rules.predicate
def leads_workplace(user, workplace) -> bool:
    return workplace is not None and workplace.pk in roles_of(user).led_workplace_ids


@rules.predicate
def heads_centre_of_workplace(user, workplace) -> bool:
    return workplace is not None and workplace.centre_id in roles_of(user).headed_centre_ids


@rules.predicate
def chairs_committee(user, committee) -> bool:
    return committee is not None and committee.pk in roles_of(user).chaired_committee_ids


@rules.predicate
def is_director(user) -> bool:
    return roles_of(user).is_director


@rules.predicate
def works_at_workplace(user, workplace) -> bool:
    """Leaders, employees, union representatives and MED contacts of the workplace."""
    return workplace is not None and workplace.pk in roles_of(user).staff_workplace_ids


@rules.predicate
def is_politician(user) -> bool:
    return roles_of(user).is_politician


@rules.predicate
def sits_on_committee(user, committee) -> bool:
    """A member or chair of this committee."""
    return committee is not None and committee.pk in roles_of(user).committee_ids


def committee_ids_of(workplace) -> set[int]:
    """The workplace's responsible committees: from a prefetch when there is one, else one
    query, kept on the object for the rest of the request."""
    cached = workplace.__dict__.get("_committee_ids")
    if cached is None:
        prefetched = getattr(workplace, "_prefetched_objects_cache", {}).get("committees")
        if prefetched is not None:
            cached = {c.pk for c in prefetched}
        else:
            cached = set(workplace.committees.values_list("pk", flat=True))
        workplace.__dict__["_committee_ids"] = cached
    return cached


@rules.predicate
def sits_on_committee_of_workplace(user, workplace) -> bool:
    """A member (or chair) of one of the workplace's responsible committees."""
    committee_ids = roles_of(user).committee_ids
    return workplace is not None and bool(committee_ids) and bool(committee_ids_of(workplace) & committee_ids)


@rules.predicate
def chairs_committee_of_workplace(user, workplace) -> bool:
    chaired = roles_of(user).chaired_committee_ids
    return workplace is not None and bool(chaired) and bool(committee_ids_of(workplace) & chaired)


def of(predicate: rules.Predicate, unit: Callable[[Any], Any], name: str | None = None) -> rules.Predicate:
    """The role predicate asked about the unit an object belongs to, e.g.
    `of(leads_workplace, lambda agreement: agreement.workplace)`: apps compose the
    vocabulary here instead of writing their own role checks."""

    def test(user, obj) -> bool:
        return obj is not None and bool(predicate.test(user, unit(obj)))

    return rules.Predicate(test, name=name or f"of({predicate.name})")


@rules.predicate
def concerns_membership(user, membership) -> bool:
    """The person themself, and whoever leads the unit the membership is in."""
    if membership is None:
        return False
    roles = roles_of(user)
    return (
        membership.person_id == user.pk
        or (membership.committee_id is not None and membership.committee_id in roles.committee_ids)
        or (membership.workplace_id is not None and membership.workplace_id in roles.staff_workplace_ids)
        or (membership.centre_id is not None and membership.centre_id in roles.headed_centre_ids)
    )


rules.add_perm("organisation.view_committee", rules.is_authenticated)
rules.add_perm("organisation.change_committee", is_administrator | chairs_committee)
rules.add_perm("organisation.view_workplace", rules.is_authenticated)
rules.add_perm("organisation.change_workplace", is_administrator | leads_workplace)
rules.add_perm("organisation.view_membership", is_leadership | concerns_membership)
rules.add_perm("organisation.change_membership", is_administrator)
rules.add_perm("organisation.import_data", is_administrator)
rules.add_perm("organisation.view_importjob", is_administrator)


def get_workplace_for_user(user, slug: str, *, write: bool = False):
    from .models import Workplace

    return get_object_for_user(
        user,
        Workplace.objects.select_related("kind", "centre"),
        view_perm="organisation.view_workplace",
        change_perm="organisation.change_workplace",
        write=write,
        slug=slug,
    )


def get_committee_for_user(user, slug: str, *, write: bool = False):
    """get_object_for_user for the committee with this slug, its query compiled once per
    database (samspil/compiled.py): building `Committee.objects.get(slug=…)` cost more
    than running it (the committee plan's and committee page's first read)."""
    from django.http import Http404

    from .models import Committee

    key = (connection.alias, connection.vendor)
    compiled = _COMMITTEE_BY_SLUG.get(key)
    if compiled is None:
        stand_ins = StandIns()
        queryset = Committee.objects.filter(slug=stand_ins.text("slug"))[:2]
        compiled = _COMMITTEE_BY_SLUG[key] = CompiledQuery(queryset, stand_ins, every=True)
    found = compiled.instances({"slug": slug})
    if len(found) != 1:  # as get_object_or_404: none (or, were slugs not unique, several)
        if found:
            raise Committee.MultipleObjectsReturned
        raise Http404("No Committee matches the given query.")
    return check_object_for_user(
        user,
        found[0],
        view_perm="organisation.view_committee",
        change_perm="organisation.change_committee",
        write=write,
    )


_COMMITTEE_BY_SLUG: dict[tuple[str, str], Any] = {}


# --- Committee secretariat (cases/) --------------------------------------------------------


@rules.predicate
def is_committee_secretary(user, committee) -> bool:
    return committee is not None and committee.pk in roles_of(user).secretary_committee_ids


# The committee's secretariat: administrators and the committee's own secretaries.
serves_committee = is_administrator | is_committee_secretary
