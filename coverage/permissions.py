"""Who sees coverage, and of which workplaces.

Administrators and directors see every workplace; a centre head the workplaces of the
centres they head; a committee chair the workplaces their committee is responsible for.
Everyone else gets 404: the dashboard names workplaces that get no dialogue, which is
for the people who can do something about it. `workplaces_in_scope(user)` is the list
form of the same rule (coverage/selectors.py).
"""

from __future__ import annotations

import rules
from django.http import Http404

from organisation.permissions import chairs_committee, is_leadership
from organisation.roles import roles_of


@rules.predicate
def heads_a_centre(user) -> bool:
    return bool(roles_of(user).headed_centre_ids)


@rules.predicate
def chairs_a_committee(user) -> bool:
    return bool(roles_of(user).chaired_committee_ids)


@rules.predicate
def workplace_in_scope(user, workplace) -> bool:
    if workplace is None:
        return False
    roles = roles_of(user)
    if roles.is_leadership:
        return True
    if workplace.centre_id is not None and workplace.centre_id in roles.headed_centre_ids:
        return True
    return (
        bool(roles.chaired_committee_ids) and workplace.committees.filter(pk__in=roles.chaired_committee_ids).exists()
    )


may_see_dashboard = is_leadership | heads_a_centre | chairs_a_committee

rules.add_perm("coverage.view_dashboard", may_see_dashboard)
rules.add_perm("coverage.view_workplace_coverage", workplace_in_scope)
# The rotation plan: the leadership for any committee, a chair for their own.
rules.add_perm("coverage.plan_committee", is_leadership | chairs_committee)


def require_dashboard(user) -> None:
    if not user.has_perm("coverage.view_dashboard"):
        raise Http404


def get_committee_plan_for_user(user, slug: str):
    """The committee whose rotation the person may plan; 404 for anyone else."""
    from django.shortcuts import get_object_or_404

    from organisation.models import Committee

    committee = get_object_or_404(Committee, slug=slug, is_active=True)
    if not user.has_perm("coverage.plan_committee", committee):
        raise Http404
    return committee
