"""Who may see and change development agreements.

- A draft: the workplace's leader(s), the head of its centre, directors and administrators.
- From "in dialogue" on, also the members of the workplace's responsible committees,
  who comment per goal; the chair of one of them approves.
- Employees of the workplace see the agreement once it is agreed and while it is active.
- What each person may do in each state is the transition table in workflows.py.
- Partner workplaces' leaders and staff see the cross-cutting goals they are named in,
  and only those goals (`partner_goals_visible_to`).

`agreements_visible_to(user)` builds lists from the same rule as `can_view`.
"""

from __future__ import annotations

import rules
from django.db import connection
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404

from organisation.permissions import is_leadership, of, works_at_workplace
from organisation.roles import roles_of
from samspil.access import check_object_for_user, get_object_for_user
from samspil.compiled import CompiledQuery, StandIns

from .models import Agreement, Goal
from .workflows import AGREEMENT, COMMITTEE_SEES, EMPLOYEES_SEE, heads_centre, leads, manages, sits_on_committee


def in_states(*states: str) -> rules.Predicate:
    wanted = frozenset(states)
    return rules.Predicate(lambda user, agreement: agreement is not None and agreement.status in wanted)


works_here = of(works_at_workplace, lambda agreement: agreement.workplace, "works_at_agreement_workplace")

can_view = (
    is_leadership
    | leads
    | heads_centre
    | (sits_on_committee & in_states(*COMMITTEE_SEES))
    | (works_here & in_states(*EMPLOYEES_SEE))
)

# Every other permission is an action of the transition table (workflows.py).
rules.add_perm("agreements.view_agreement", can_view)
# The leader's (or an administrator's) part in any state; the table says which steps when.
rules.add_perm("agreements.manage_agreement", manages)
rules.add_perm("agreements.change_agreement", AGREEMENT.predicate("edit"))
rules.add_perm("agreements.comment_agreement", AGREEMENT.predicate("comment"))
rules.add_perm("agreements.send_to_dialogue", AGREEMENT.predicate("send_to_dialogue"))
rules.add_perm("agreements.approve_agreement", AGREEMENT.predicate("approve"))
rules.add_perm("agreements.withdraw_approval", AGREEMENT.predicate("withdraw_approval"))
rules.add_perm("agreements.sign_agreement", AGREEMENT.predicate("sign"))
rules.add_perm("agreements.follow_up_agreement", AGREEMENT.predicate("follow_up"))
rules.add_perm("agreements.activate_agreement", AGREEMENT.predicate("activate"))
rules.add_perm("agreements.evaluate_agreement", AGREEMENT.predicate("evaluate"))
rules.add_perm("agreements.archive_agreement", AGREEMENT.predicate("archive"))


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """The list's rows, from the same rule as `can_view` (one query when evaluated)."""
    return agreements_visible_for(roles_of(user))


def agreements_visible_for(roles) -> QuerySet[Agreement]:
    """agreements_visible_to for a person's roles (organisation.roles.RoleSet)."""
    queryset = Agreement.objects.all()
    if roles.is_leadership:
        return queryset
    condition = (
        Q(workplace_id__in=roles.led_workplace_ids)
        | Q(workplace__centre_id__in=roles.headed_centre_ids)
        | Q(workplace__committees__in=roles.committee_ids, status__in=COMMITTEE_SEES)
        | Q(workplace_id__in=roles.staff_workplace_ids, status__in=EMPLOYEES_SEE)
    )
    if not (roles.led_workplace_ids or roles.headed_centre_ids or roles.committee_ids or roles.staff_workplace_ids):
        return queryset.none()
    # The committee join can repeat a row; filter by primary key to keep it one row each.
    return queryset.filter(pk__in=Agreement.objects.filter(condition).values("pk"))


def partner_goals_visible_to(user) -> QuerySet[Goal]:
    """Cross-cutting goals naming one of the user's workplaces, from the dialogue on."""
    staff = roles_of(user).staff_workplace_ids
    if not staff:
        return Goal.objects.none()
    return Goal.objects.filter(
        kind=Goal.Kind.CROSS_CUTTING,
        agreement__status__in=COMMITTEE_SEES,
        pk__in=Goal.objects.filter(partners__in=staff).values("pk"),
    )


def _agreement_queryset(*, committees: bool = True):
    queryset = Agreement.objects.select_related("workplace__centre", "workplace__kind", "template")
    # The committees for the pages that list them; the rules alone ask for their ids
    # only when the person sits on a committee (organisation.permissions.committee_ids_of).
    return queryset.prefetch_related("workplace__committees") if committees else queryset


# get_agreement_for_user's query per vendor, compiled once (samspil/compiled.py): building
# and compiling the select_related queryset cost the editor more Python than the query.
_AGREEMENT_QUERY: dict[str, CompiledQuery] = {}


def get_agreement_for_user(
    user, pk: int, *, write: bool = False, perm: str = "agreements.change_agreement", committees: bool = True
):
    """Stranger → 404; a reader who tries to write (or act) → 403. `committees=False` for a
    page that does not show the workplace's committees. The same queries as
    get_object_for_user(_agreement_queryset(committees=…), pk=pk): the agreement's, then
    (committees) the workplace's committees."""
    compiled = _AGREEMENT_QUERY.get(connection.vendor)
    if compiled is None:
        stand_ins = StandIns()
        queryset = _agreement_queryset(committees=False).filter(pk=stand_ins.id("pk")).order_by()
        compiled = _AGREEMENT_QUERY[connection.vendor] = CompiledQuery(queryset, stand_ins, every=True)
    # A key outside the column's range finds nothing, as the ORM answers it.
    found = compiled.instances({"pk": pk}) if -(2**31) <= int(pk) < 2**31 else []
    if not found:
        raise Http404("No Agreement matches the given query.")
    if committees:
        prefetch_related_objects(found, "workplace__committees")
    return check_object_for_user(user, found[0], view_perm="agreements.view_agreement", change_perm=perm, write=write)


def get_goal_for_user(user, pk: int, *, write: bool = False, perm: str = "agreements.change_agreement") -> Goal:
    """A goal is reached through its agreement's rules."""
    goal = get_object_for_user(
        user,
        Goal.objects.select_related(
            "agreement__workplace__centre", "agreement__workplace__kind", "agreement__template"
        ).prefetch_related("agreement__workplace__committees"),
        view_perm="agreements.view_agreement",
        change_perm=perm,
        write=write,
        decided_by=lambda goal: goal.agreement,
        pk=pk,
    )
    return goal
