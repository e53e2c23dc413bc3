"""Who may see and act on committee cases and hearings (the one vocabulary:
organisation/permissions.py's role predicates, composed with `rules`).

- A case in draft: the secretariat (administrators, the committee's secretaries), the
  committee's chair, directors.
- From "in hearing" on, also the committee's members, the head of a concerned workplace's
  centre and the concerned workplaces' staff.
- A hearing answer in draft: the workplace's leader and the employees invited to
  contribute. A submitted one: everyone who sees the case.
- Nothing of a case is public.

`cases_visible_to(user)` builds lists from the same rule as `can_view_case`.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from organisation.permissions import is_administrator, is_leadership, serves_committee
from organisation.roles import roles_of

from .models import Case, Hearing


def _workplaces(case: Case) -> list:
    """The case's workplaces, read once per case and only when a rule needs them: the
    leadership, the secretariat and the committee's members are decided without them."""
    if "workplaces" not in getattr(case, "_prefetched_objects_cache", {}):
        prefetch_related_objects([case], "workplaces")
    return list(case.workplaces.all())


def _workplace_ids(case: Case) -> set[int]:
    return {w.pk for w in _workplaces(case)}


@rules.predicate
def serves_case_committee(user, case) -> bool:
    return case is not None and serves_committee.test(user, case.committee)


@rules.predicate
def chairs_case_committee(user, case) -> bool:
    return case is not None and case.committee_id in roles_of(user).chaired_committee_ids


@rules.predicate
def sits_on_case_committee(user, case) -> bool:
    return case is not None and case.committee_id in roles_of(user).committee_ids


@rules.predicate
def is_draft(user, case) -> bool:
    return case is not None and case.status == Case.Status.DRAFT


@rules.predicate
def concerns_users_workplace(user, case) -> bool:
    return case is not None and bool(_workplace_ids(case) & roles_of(user).staff_workplace_ids)


@rules.predicate
def concerns_users_centre(user, case) -> bool:
    if case is None:
        return False
    centres = roles_of(user).headed_centre_ids
    return bool(centres) and any(w.centre_id in centres for w in _workplaces(case))


is_case_secretariat = serves_case_committee | chairs_case_committee
can_view_case = (
    is_leadership
    | is_case_secretariat
    | (~is_draft & (sits_on_case_committee | concerns_users_workplace | concerns_users_centre))
)

rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.change_case", is_case_secretariat)
rules.add_perm("cases.override_hearing", is_administrator)


# --- Hearings ------------------------------------------------------------------------------


@rules.predicate
def leads_hearing_workplace(user, hearing) -> bool:
    return hearing is not None and hearing.workplace_id in roles_of(user).led_workplace_ids


@rules.predicate
def is_invited(user, hearing) -> bool:
    if hearing is None or not user.is_authenticated:
        return False
    cache = hearing.__dict__.setdefault("_invited", {})
    if user.pk not in cache:
        cache[user.pk] = hearing.invitees.filter(person=user).exists()
    return cache[user.pk]


@rules.predicate
def hearing_is_open(user, hearing) -> bool:
    return hearing is not None and hearing.is_open and hearing.case.status in ANSWERABLE


@rules.predicate
def hearing_is_closed(user, hearing) -> bool:
    return hearing is not None and not hearing.is_open


@rules.predicate
def sees_the_case(user, hearing) -> bool:
    return hearing is not None and can_view_case.test(user, hearing.case)


@rules.predicate
def may_decide_speaking(user, hearing) -> bool:
    return (
        hearing is not None
        and hearing.speaking == Hearing.Speaking.REQUESTED
        and hearing.case.committee_id in roles_of(user).chaired_committee_ids
        and hearing.case.status in (Case.Status.IN_HEARING, Case.Status.READY)
    )


ANSWERABLE = (Case.Status.IN_HEARING, Case.Status.READY)

rules.add_perm("cases.view_hearing", leads_hearing_workplace | is_invited | (hearing_is_closed & sees_the_case))
rules.add_perm("cases.answer_hearing", leads_hearing_workplace & hearing_is_open)
rules.add_perm("cases.contribute_hearing", is_invited & hearing_is_open)
rules.add_perm("cases.decide_speaking", may_decide_speaking)


def has_perm(user, perm: str, obj) -> bool:
    """The case rules only: accounts' AdministratorBackend grants administrators every
    permission, but they must not answer a workplace's hearing or accept for the chair."""
    return rules.has_perm(perm, user, obj)


def cases_visible_to(user) -> QuerySet[Case]:
    return cases_visible_with(roles_of(user))


def cases_visible_with(roles) -> QuerySet[Case]:
    """cases_visible_to for these roles (the rule reads nothing else of the person): a
    compiled read gives stand-in role sets (cases.selectors.plan_cases)."""
    queryset = Case.objects.all()
    if roles.is_leadership:
        return queryset
    secretariat = roles.secretary_committee_ids | roles.chaired_committee_ids
    condition = Q(committee_id__in=secretariat)
    not_draft = ~Q(status=Case.Status.DRAFT)
    if roles.committee_ids:
        condition |= Q(committee_id__in=roles.committee_ids) & not_draft
    concerned = Q()
    if roles.staff_workplace_ids:
        concerned |= Q(workplaces__in=roles.staff_workplace_ids)
    if roles.headed_centre_ids:
        concerned |= Q(workplaces__centre_id__in=roles.headed_centre_ids)
    if concerned:
        condition |= Q(pk__in=Case.objects.filter(concerned).values("pk")) & not_draft
    if not (secretariat or roles.committee_ids or concerned):
        return queryset.none()
    return queryset.filter(condition)


def _case_queryset():
    # Not the override's author: read only for an overridden case (its page names them).
    return Case.objects.select_related("committee", "meeting")


def get_case_for_user(user, pk: int, *, write: bool = False, perm: str = "cases.change_case") -> Case:
    """Stranger → 404; a reader who tries to act → 403."""
    from samspil.access import get_object_for_user

    return get_object_for_user(
        user, _case_queryset(), view_perm="cases.view_case", change_perm=perm if write else None, write=write, pk=pk
    )


def get_hearing_for_user(
    user, pk: int, *, write: bool = False, perm: str = "cases.answer_hearing", page: bool = False
) -> Hearing:
    """`page`: the hearing page's lists are read in the hearing's query on PostgreSQL
    (cases.selectors.hearing_page_rows), and the rules' is_invited answers from them."""
    from django.core.exceptions import PermissionDenied
    from django.db import connection

    hearings = Hearing.objects.select_related("case__committee", "case__meeting", "workplace")
    if page and connection.vendor == "postgresql":
        from .selectors import hearing_page_rows

        hearings = hearing_page_rows(hearings)
    hearing = get_object_or_404(hearings, pk=pk)
    if (rows := hearing.__dict__.get("invitee_rows")) is not None and user.is_authenticated:
        hearing.__dict__.setdefault("_invited", {})[user.pk] = any(row["person_id"] == user.pk for row in rows)
    if not has_perm(user, "cases.view_hearing", hearing):
        from samspil.access import security_log

        security_log.warning("refused user=%s perm=cases.view_hearing object=cases.Hearing:%s", user.pk, pk)
        raise Http404
    if write and not has_perm(user, perm, hearing):
        raise PermissionDenied
    return hearing


def get_hearing_for_chair(user, pk: int) -> Hearing:
    """The chair decides a request to speak from the case page: the hearing is reached
    through the case's rule (its draft answer stays the workplace's), stranger → 404,
    a reader of the case who is not the chair → 403."""
    from django.core.exceptions import PermissionDenied

    hearing = get_object_or_404(
        Hearing.objects.select_related("case__committee", "case__meeting", "workplace"),
        pk=pk,
    )
    if not has_perm(user, "cases.view_case", hearing.case):
        raise Http404
    if not has_perm(user, "cases.decide_speaking", hearing):
        raise PermissionDenied
    return hearing
