"""Who may see and change development agreements.

- A draft: the workplace's leader(s), the head of its centre, directors and administrators.
- From "in dialogue" on, also the members of the workplace's responsible committees,
  who comment per goal; the chair of one of them approves.
- Employees of the workplace see the agreement once it is agreed and while it is active.
- Partner workplaces' leaders and staff see the cross-cutting goals they are named in,
  and only those goals (`partner_goals_visible_to`).

`agreements_visible_to(user)` builds lists from the same rule as `can_view`.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from organisation.roles import roles_of

from .models import Agreement, Goal

S = Agreement.Status
COMMITTEE_STATUSES = (S.IN_DIALOGUE, S.AGREED, S.ACTIVE, S.EVALUATED, S.ARCHIVED)
EMPLOYEE_STATUSES = (S.AGREED, S.ACTIVE)
COMMENT_STATUSES = (S.IN_DIALOGUE, S.AGREED, S.ACTIVE)


def _committee_ids_of(agreement: Agreement) -> set[int]:
    # Prefetched by the detail view (`workplace__committees`).
    return {committee.pk for committee in agreement.workplace.committees.all()}


@rules.predicate
def is_leadership(user) -> bool:
    return roles_of(user).is_leadership


@rules.predicate
def is_administrator(user) -> bool:
    return roles_of(user).is_administrator


@rules.predicate
def leads_workplace(user, agreement) -> bool:
    return agreement is not None and agreement.workplace_id in roles_of(user).led_workplace_ids


@rules.predicate
def heads_centre(user, agreement) -> bool:
    return agreement is not None and agreement.workplace.centre_id in roles_of(user).headed_centre_ids


@rules.predicate
def sits_on_committee(user, agreement) -> bool:
    if agreement is None or agreement.status not in COMMITTEE_STATUSES:
        return False
    return bool(_committee_ids_of(agreement) & roles_of(user).committee_ids)


@rules.predicate
def chairs_committee(user, agreement) -> bool:
    return agreement is not None and bool(_committee_ids_of(agreement) & roles_of(user).chaired_committee_ids)


@rules.predicate
def works_at_workplace(user, agreement) -> bool:
    return (
        agreement is not None
        and agreement.status in EMPLOYEE_STATUSES
        and agreement.workplace_id in roles_of(user).staff_workplace_ids
    )


@rules.predicate
def is_editable(user, agreement) -> bool:
    return agreement is not None and agreement.is_editable


@rules.predicate
def is_in_dialogue(user, agreement) -> bool:
    return agreement is not None and agreement.status == S.IN_DIALOGUE


@rules.predicate
def open_for_comments(user, agreement) -> bool:
    return agreement is not None and agreement.status in COMMENT_STATUSES


can_view = is_leadership | leads_workplace | heads_centre | sits_on_committee | works_at_workplace
can_edit = (leads_workplace | is_administrator) & is_editable

rules.add_perm("agreements.view_agreement", can_view)
rules.add_perm("agreements.change_agreement", can_edit)
rules.add_perm(
    "agreements.comment_agreement",
    open_for_comments & (is_leadership | leads_workplace | heads_centre | sits_on_committee),
)
rules.add_perm("agreements.send_to_dialogue", (leads_workplace | is_administrator) & is_editable)
rules.add_perm("agreements.approve_agreement", chairs_committee & is_in_dialogue)
rules.add_perm("agreements.sign_agreement", (leads_workplace | heads_centre) & is_in_dialogue)
rules.add_perm("agreements.follow_up_agreement", leads_workplace | is_administrator)
rules.add_perm("agreements.manage_agreement", leads_workplace | is_administrator)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """The list's rows, from the same rule as `can_view` (one query when evaluated)."""
    roles = roles_of(user)
    queryset = Agreement.objects.all()
    if roles.is_leadership:
        return queryset
    condition = (
        Q(workplace_id__in=roles.led_workplace_ids)
        | Q(workplace__centre_id__in=roles.headed_centre_ids)
        | Q(workplace__committees__in=roles.committee_ids, status__in=COMMITTEE_STATUSES)
        | Q(workplace_id__in=roles.staff_workplace_ids, status__in=EMPLOYEE_STATUSES)
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
        agreement__status__in=COMMITTEE_STATUSES,
        pk__in=Goal.objects.filter(partners__in=staff).values("pk"),
    )


def has_perm(user, perm: str, agreement: Agreement) -> bool:
    """The agreement rules only. (user.has_perm would also ask accounts' AdministratorBackend,
    which grants administrators every permission: they must not approve or sign for others.)"""
    return rules.has_perm(perm, user, agreement)


def _agreement_queryset():
    return Agreement.objects.select_related("workplace__centre", "workplace__kind", "template").prefetch_related(
        "workplace__committees"
    )


def _check(user, agreement: Agreement, *, write: bool, perm: str) -> None:
    if not has_perm(user, "agreements.view_agreement", agreement):
        raise Http404
    if write and not has_perm(user, perm, agreement):
        raise PermissionDenied


def get_agreement_for_user(user, pk: int, *, write: bool = False, perm: str = "agreements.change_agreement"):
    """Stranger → 404; a reader who tries to write (or act) → 403."""
    agreement = get_object_or_404(_agreement_queryset(), pk=pk)
    _check(user, agreement, write=write, perm=perm)
    return agreement


def get_goal_for_user(user, pk: int, *, write: bool = False, perm: str = "agreements.change_agreement") -> Goal:
    """A goal is reached through its agreement's rules."""
    goal = get_object_or_404(
        Goal.objects.select_related(
            "agreement__workplace__centre", "agreement__workplace__kind", "agreement__template"
        ).prefetch_related("agreement__workplace__committees"),
        pk=pk,
    )
    _check(user, goal.agreement, write=write, perm=perm)
    return goal
