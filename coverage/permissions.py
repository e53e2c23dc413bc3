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

from organisation.permissions import (
    chairs_committee,
    chairs_committee_of_workplace,
    heads_centre_of_workplace,
    is_leadership,
)
from organisation.roles import roles_of
from samspil.access import get_object_for_user


@rules.predicate
def heads_a_centre(user) -> bool:
    return bool(roles_of(user).headed_centre_ids)


@rules.predicate
def chairs_a_committee(user) -> bool:
    return bool(roles_of(user).chaired_committee_ids)


workplace_in_scope = is_leadership | heads_centre_of_workplace | chairs_committee_of_workplace


may_see_dashboard = is_leadership | heads_a_centre | chairs_a_committee

rules.add_perm("coverage.view_dashboard", may_see_dashboard)
rules.add_perm("coverage.view_workplace_coverage", workplace_in_scope)
# The rotation plan: the leadership for any committee, a chair for their own.
rules.add_perm("coverage.plan_committee", is_leadership | chairs_committee)


def require_dashboard(user) -> None:
    # The rule itself rather than user.has_perm(): Django's model backend, asked first,
    # reads every permission of the person and of their groups (two queries a request)
    # and holds none for this rule. An active superuser passes, as has_perm() lets them.
    if not (user.is_active and user.is_superuser) and not rules.has_perm("coverage.view_dashboard", user):
        raise Http404


def get_committee_plan_for_user(user, slug: str):
    """The committee whose rotation the person may plan; 404 for anyone else."""
    from organisation.models import Committee

    return get_object_for_user(
        user, Committee.objects.filter(is_active=True), view_perm="coverage.plan_committee", slug=slug
    )
