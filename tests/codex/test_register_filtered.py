"""The register's filtered pages read the same rows in the same order as before their SQL was
made fast (codex.selectors._filter_candidates, _unsigned_candidates): the leadership's
register adds id subqueries that PostgreSQL looks up first when the rows are few (a
centre's memberships, a role few hold, a superset of the rows not signed), and keeps every
filter it had. Here the page
and the figures are compared, for every reader who sees names and every combination of
status, unit and role, with the querysets as they were written before (`_rows_before`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

import pytest
from django.db.models import Q
from django.utils import timezone

from codex import selectors
from codex.models import Audience
from codex.services import CodexError
from organisation.models import ElectoralTerm, Role
from tests.factories import CentreFactory, UserFactory, WorkplaceFactory, grant

from .helpers import publish_version, sign

pytestmark = pytest.mark.django_db


def _scope_before(user, state, filters):
    # selectors._register_scope before the candidates.
    queryset = selectors.memberships_visible_to(user).filter(
        role__in=selectors._concerned_roles(state), person__is_active=True
    )
    if filters.get("committee"):
        queryset = queryset.filter(committee__slug=filters["committee"])
    if filters.get("centre"):
        queryset = queryset.filter(Q(centre__slug=filters["centre"]) | Q(workplace__centre__slug=filters["centre"]))
    if filters.get("workplace"):
        queryset = queryset.filter(workplace__slug=filters["workplace"])
    if filters.get("role") in Role.values:
        queryset = queryset.filter(role=filters["role"])
    return queryset


def _rows_before(user, state, filters):
    # selectors.register_rows before the candidates.
    from django.db.models import Case, Value, When

    scope = selectors.names_scope(user)
    queryset = (
        _scope_before(user, state, filters)
        .filter(scope)
        .annotate(signed_at=selectors._signed_at_expression(state))
        .annotate(has_signed=Case(When(signed_at__isnull=False, then=Value(True)), default=Value(False)))
    )
    if filters.get("status") == "signed":
        queryset = queryset.filter(signed_at__isnull=False)
    elif filters.get("status") == "unsigned":
        queryset = queryset.filter(signed_at__isnull=True)
    return queryset


def _people(org) -> dict:
    """Besides the org's one person per role: a small centre with its head and a workplace,
    a committee secretary, a second role for one person, an inactive account, an ended
    role, and more staff and members than a page of two."""
    small = CentreFactory(name="Center for Kultur", slug="kultur")
    library = WorkplaceFactory(name="Biblioteket", slug="biblioteket", centre=small)
    people = {
        "small head": grant(UserFactory(full_name="Aase Centerchef"), Role.CENTRE_HEAD, centre=small).person,
        "librarian": grant(UserFactory(full_name="Bo Bibliotekar"), Role.EMPLOYEE, workplace=library).person,
        "secretary": grant(UserFactory(full_name="Sekretær"), Role.COMMITTEE_SECRETARY, committee=org.committee).person,
    }
    for index in range(4):
        grant(UserFactory(full_name=f"Staff {index}"), Role.EMPLOYEE, workplace=org.workplace)
        grant(UserFactory(full_name=f"Staff {index}"), Role.EMPLOYEE, workplace=org.other_workplace)
    grant(UserFactory(full_name="Seat"), Role.COMMITTEE_MEMBER, committee=org.committee)
    # The employee also sits on the other committee: one person, two audiences.
    grant(org.employee, Role.COMMITTEE_MEMBER, committee=org.other_committee)
    grant(UserFactory(full_name="Inactive", is_active=False), Role.EMPLOYEE, workplace=org.workplace)
    grant(
        UserFactory(full_name="Gone"),
        Role.EMPLOYEE,
        workplace=library,
        starts_on=timezone.localdate() - dt.timedelta(days=90),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return people


def _filter_sets(org) -> list[dict[str, str]]:
    units = [
        {},
        {"committee": org.committee.slug},
        {"committee": org.other_committee.slug},
        {"centre": org.centre.slug},
        {"centre": "kultur"},
        {"workplace": org.workplace.slug},
        {"centre": org.centre.slug, "workplace": org.workplace.slug},
        {"centre": "no-such-centre"},
    ]
    # The employee role (many hold it), a committee's, a role few hold (with a candidate
    # subquery of its own, selectors._FEW_HOLDERS) and one that is no role.
    roles = ["", Role.EMPLOYEE, Role.COMMITTEE_MEMBER, Role.CENTRE_HEAD, Role.DIRECTOR, "not a role"]
    statuses = ["", "signed", "unsigned"]
    blank = dict.fromkeys(selectors.REGISTER_FILTERS, "")
    return [
        {**blank, **unit, "role": role, "status": status}
        for unit, role, status in itertools.product(units, roles, statuses)
    ] + [{**blank, "status": "bogus"}, {**blank, "role": Role.COMMITTEE_SECRETARY, "status": "unsigned"}]


def _assert_unchanged(org) -> None:
    state, _newest = selectors.register_state()
    filter_sets = _filter_sets(org)
    # The administrator (whose register gets the candidates) with every filter; a leader and
    # a chair (whose do not) with each status; the director's figures (the leadership's).
    readers = [(org.admin, filter_sets)]
    readers += [(user, [f for f in filter_sets if not f["role"]][:9]) for user in (org.leader, org.chair)]
    for user, sets in readers:
        for filters in sets:
            before = list(selectors.register_page_values(_rows_before(user, state, filters)))
            # Looked up first (few rows) or walked by name (many): the same rows.
            for few in (True, False):
                now = [tuple(row) for row in selectors.register_page(user, state, filters, 0, 50, few=few)]
                assert now == before, (user.full_name, filters, few)
                if len(before) > 2:
                    page = selectors.register_page(user, state, filters, 1, 3, few=few)
                    assert [tuple(row) for row in page] == before[1:3]
    for user, filters in itertools.product((org.admin, org.director), filter_sets):
        # The figures (register_counts' GROUP BY) over the same scope.
        scope_before = _scope_before(user, state, filters).annotate(has_signed=selectors._signed_expression(state))
        scope_now = selectors._register_scope(user, state, filters).annotate(
            has_signed=selectors._signed_expression(state)
        )
        assert selectors.group_share_counts(scope_now) == selectors.group_share_counts(scope_before), (
            user.full_name,
            filters,
        )


def _some_sign(org, people, version, **kwargs) -> None:
    for person in (org.leader, org.employee, org.chair, people["small head"], people["secretary"]):
        sign(person, version, **kwargs)


def test_one_version_for_both_every_filter_reads_the_rows_it_read_before(org):
    people = _people(org)
    version = publish_version(org.admin)
    _some_sign(org, people, version)
    _assert_unchanged(org)


def test_a_version_per_audience_and_a_term_every_filter_reads_the_rows_it_read_before(org):
    people = _people(org)
    today = timezone.localdate()
    politicians = publish_version(org.admin, audience=Audience.POLITICIANS)
    employees = publish_version(org.admin, audience=Audience.EMPLOYEES)
    # Signed before the term: no longer valid for the politicians' roles.
    sign(org.member, politicians, now=timezone.now() - dt.timedelta(days=20))
    sign(org.employee, politicians, now=timezone.now() - dt.timedelta(days=20))
    sign(org.chair, politicians)
    # The employee signed the politicians' version (as a member of the other committee),
    # not the employees': still to sign as staff.
    sign(people["librarian"], employees)
    sign(org.union_rep, employees)
    ElectoralTerm.objects.create(name="new", starts_on=today - dt.timedelta(days=9), ends_on=today + dt.timedelta(1400))
    state, _newest = selectors.register_state()
    assert state.term is not None
    _assert_unchanged(org)


@pytest.mark.parametrize("audience", [Audience.EMPLOYEES, Audience.POLITICIANS])
def test_one_audience_every_filter_reads_the_rows_it_read_before(org, audience):
    people = _people(org)
    version = publish_version(org.admin, audience=audience)
    for person in (org.leader, org.member, people["librarian"]):
        with contextlib.suppress(CodexError):  # not asked to sign this audience's code
            sign(person, version)
    _assert_unchanged(org)


def test_with_no_current_version_nobody_is_listed_with_any_filter(org):
    _people(org)
    _assert_unchanged(org)


def test_only_the_administrators_not_signed_page_reads_the_people_without_a_signature(org):
    # The anti-join is for the administrator's whole register; a leader's or a chair's rows
    # are few already, and a chosen unit narrows them first.
    _people(org)
    publish_version(org.admin)
    state, _newest = selectors.register_state()
    blank = dict.fromkeys(selectors.REGISTER_FILTERS, "")

    def sql(user, filters) -> str:
        return str(selectors.register_rows(user, state, filters).query)

    assert "NOT EXISTS" in sql(org.admin, {**blank, "status": "unsigned"})
    assert "NOT EXISTS" in sql(org.admin, {**blank, "status": "unsigned", "role": Role.EMPLOYEE})
    assert "NOT EXISTS" not in sql(org.admin, {**blank, "status": "unsigned", "centre": org.centre.slug})
    assert "NOT EXISTS" not in sql(org.admin, {**blank, "status": "signed"})
    many = selectors.register_rows(org.admin, state, {**blank, "status": "unsigned"}, few=False)
    assert "NOT EXISTS" not in str(many.query)
    assert "NOT EXISTS" not in sql(org.leader, {**blank, "status": "unsigned"})
    assert "NOT EXISTS" not in sql(org.chair, {**blank, "status": "unsigned"})
