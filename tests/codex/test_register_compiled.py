"""The register's page of rows and a leader's or chair's own counts, compiled once per shape
(codex.selectors.register_page and named_row_counts on samspil/compiled.py), read what
their querysets read for every role, filter, page and state of the code: the rules stay in
the querysets, and a query compiled for one reader and reused for another of the same
shape reads the second one's ids, units and versions."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from codex import selectors
from codex.models import Audience
from codex.services import CodexError
from organisation.models import ElectoralTerm, Membership, Role
from tests.factories import UserFactory, grant

from .helpers import publish_version, sign

pytestmark = pytest.mark.django_db


def _queryset_page(user, state, filters, bottom: int, top: int) -> list[tuple]:
    return list(selectors.register_page_values(selectors.register_rows(user, state, filters))[bottom:top])


def _page(user, state, filters, bottom: int, top: int) -> list[tuple]:
    # The compiler's rows are lists where a converter ran (SQLite), tuples otherwise.
    return [tuple(row) for row in selectors.register_page(user, state, filters, bottom, top)]


def _queryset_counts(user, state, filters) -> dict[str, int]:
    # named_row_counts as it was written before it was compiled: the aggregate.
    scope = selectors.names_scope(user)
    if scope is None:
        return {"": 0, "signed": 0, "unsigned": 0}
    totals = (
        selectors._register_scope(user, state, filters)
        .filter(scope)
        .annotate(has_signed=selectors._signed_expression(state))
        .aggregate(total=Count("pk"), signed=Count("pk", filter=Q(has_signed=True)))
    )
    return {"": totals["total"], "signed": totals["signed"], "unsigned": totals["total"] - totals["signed"]}


def _filter_sets(org) -> list[dict[str, str]]:
    blank = dict.fromkeys(selectors.REGISTER_FILTERS, "")
    return [
        blank,
        {**blank, "status": "signed"},
        {**blank, "status": "unsigned"},
        {**blank, "status": "bogus"},
        {**blank, "committee": org.committee.slug},
        {**blank, "committee": org.other_committee.slug, "status": "unsigned"},
        {**blank, "centre": org.centre.slug},
        {**blank, "workplace": org.workplace.slug, "role": Role.EMPLOYEE},
        {**blank, "workplace": org.other_workplace.slug},
        {**blank, "role": Role.COMMITTEE_MEMBER, "status": "signed"},
        {**blank, "role": "not a role"},
        {**blank, "committee": "no-such-committee"},
        {**blank, "centre": org.centre.slug, "workplace": org.workplace.slug, "role": Role.WORKPLACE_LEADER},
    ]


def _people(org) -> None:
    """A few more people in the workplace and on the committee, some of them signed."""
    for index in range(4):
        grant(UserFactory(full_name=f"Staff {index}"), Role.EMPLOYEE, workplace=org.workplace)
        grant(UserFactory(full_name=f"Other staff {index}"), Role.EMPLOYEE, workplace=org.other_workplace)
    grant(UserFactory(full_name="Seat"), Role.COMMITTEE_MEMBER, committee=org.committee)
    # An ended role: not in the register.
    grant(
        UserFactory(full_name="Gone"),
        Role.EMPLOYEE,
        workplace=org.workplace,
        starts_on=timezone.localdate() - dt.timedelta(days=90),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )


def _assert_compiled_reads_as_querysets(org) -> None:
    state, _newest = selectors.register_state()
    for name, user in org.roles.items():
        if user is None:
            continue
        if not selectors.sees_names(user):
            assert _page(user, state, {}, 0, 50) == []
            assert selectors.named_row_counts(user, state, {}) == {"": 0, "signed": 0, "unsigned": 0}
            continue
        for filters in _filter_sets(org):
            for bottom, top in ((0, 50), (0, 2), (2, 4), (4, 5)):
                assert _page(user, state, filters, bottom, top) == _queryset_page(user, state, filters, bottom, top), (
                    name,
                    filters,
                    bottom,
                )
            counts = selectors.named_row_counts(user, state, filters)
            assert counts == _queryset_counts(user, state, filters), (name, filters)


@pytest.mark.parametrize("audience", [Audience.BOTH, Audience.EMPLOYEES, Audience.POLITICIANS])
def test_the_compiled_page_and_counts_read_as_their_querysets_for_every_role(org, audience):
    _people(org)
    version = publish_version(org.admin, audience=audience)
    for person in (org.leader, org.member, org.employee, org.chair):
        with contextlib.suppress(CodexError):  # not asked to sign this audience's code
            sign(person, version)
    _assert_compiled_reads_as_querysets(org)


def test_with_an_electoral_term_the_politicians_signatures_before_it_do_not_count(org):
    _people(org)
    today = timezone.localdate()
    version = publish_version(org.admin)
    sign(org.member, version, now=timezone.now() - dt.timedelta(days=20))
    sign(org.chair, version)
    sign(org.employee, version, now=timezone.now() - dt.timedelta(days=20))
    ElectoralTerm.objects.create(name="new", starts_on=today - dt.timedelta(days=9), ends_on=today + dt.timedelta(1400))
    state, _newest = selectors.register_state()
    assert state.term is not None
    _assert_compiled_reads_as_querysets(org)
    signed = {row[0]: row[5] for row in _page(org.admin, state, {"status": ""}, 0, 50)}
    assert signed[org.member.pk] is None and signed[org.chair.pk] is not None
    assert signed[org.employee.pk] is not None


def test_with_no_current_version_nobody_is_listed(org):
    _people(org)
    _assert_compiled_reads_as_querysets(org)
    state, _newest = selectors.register_state()
    assert _page(org.admin, state, {}, 0, 50) == []


def test_a_query_compiled_for_one_leader_reads_the_next_leaders_own_workplace(org):
    _people(org)
    publish_version(org.admin)
    state, _newest = selectors.register_state()
    filters = dict.fromkeys(selectors.REGISTER_FILTERS, "")
    mine = _page(org.leader, state, filters, 0, 50)
    theirs = _page(org.other_leader, state, filters, 0, 50)
    # leader and other_leader lead one workplace each: the same shape, one compiled query.
    assert {row[4] for row in mine} == {org.workplace.name}
    assert {row[4] for row in theirs} == {org.other_workplace.name}
    assert selectors.named_row_counts(org.leader, state, filters)[""] == len(mine)
    assert selectors.named_row_counts(org.other_leader, state, filters)[""] == len(theirs)
    assert _page(org.leader, state, filters, 0, 50) == mine


def test_a_query_compiled_for_one_unit_filter_reads_the_next_units_slug(org):
    _people(org)
    publish_version(org.admin)
    state, _newest = selectors.register_state()
    blank = dict.fromkeys(selectors.REGISTER_FILTERS, "")
    here = _page(org.admin, state, {**blank, "workplace": org.workplace.slug}, 0, 50)
    there = _page(org.admin, state, {**blank, "workplace": org.other_workplace.slug}, 0, 50)
    assert here and there and not {row[0] for row in here} & {row[0] for row in there}
    in_workplace = Membership.objects.current().filter(workplace=org.other_workplace, person__is_active=True)
    assert {row[0] for row in there} == set(in_workplace.values_list("person_id", flat=True))


def test_the_register_pages_html_and_queries_for_a_leader_and_a_chair(org, client_for, django_assert_num_queries):
    from django.urls import reverse

    _people(org)
    version = publish_version(org.admin)
    sign(org.employee, version)
    for user in (org.leader, org.chair):
        client = client_for(user)
        client.get(reverse("codex:register"))
        # 1 user with roles, 2 current codes with the term (the shares cached by the
        # first request, and the committees and centres kept under their data version),
        # 3 own counts, 4 the page.
        with django_assert_num_queries(4):
            response = client.get(reverse("codex:register") + "?status=unsigned")
        assert response.status_code == 200
        page = response.context["page"]
        assert page.paginator.count == len(page.object_list) > 0
        assert all(not row.has_signed for row in page.object_list)


def test_the_register_state_is_code_state_and_the_newest_ids_in_one_query(org, django_assert_num_queries):
    today = timezone.localdate()

    def check(queries: int) -> None:
        with django_assert_num_queries(queries):
            state, newest = selectors.register_state()
        expected = selectors.code_state()
        assert state.versions == expected.versions
        assert state.term == expected.term
        if state.term is not None:
            assert [getattr(state.term, name) for name in ("name", "starts_on", "ends_on", "election_date")] == [
                getattr(expected.term, name) for name in ("name", "starts_on", "ends_on", "election_date")
            ]
        assert state.term_start == expected.term_start
        assert newest == selectors._newest_ids()

    check(3)  # no current version: no row to carry the rest
    version = publish_version(org.admin, audience=Audience.EMPLOYEES)
    check(1)
    ElectoralTerm.objects.create(
        name="old", starts_on=today - dt.timedelta(days=900), ends_on=today - dt.timedelta(days=10)
    )
    check(1)
    ElectoralTerm.objects.create(
        name="2026-01-01",
        starts_on=today - dt.timedelta(days=9),
        ends_on=today + dt.timedelta(1400),
        election_date=today,
    )
    check(1)
    sign(org.employee, version)
    publish_version(org.admin, audience=Audience.POLITICIANS)
    check(1)


def test_the_page_and_counts_keep_one_plan_except_for_a_role_or_not_signed(org):
    from samspil.db import ONE_PLAN

    _people(org)
    publish_version(org.admin)
    state, _newest = selectors.register_state()
    blank = dict.fromkeys(selectors.REGISTER_FILTERS, "")

    def sql(user, filters, key, build) -> str:
        return selectors._compiled_register_read(key, user, state, filters, build)[0].sql

    def page(user, state, filters, *, roles, on):
        return selectors.register_page_values(selectors.register_rows(user, state, filters, roles=roles, on=on))[:50]

    for filters in (blank, {**blank, "status": "signed"}, {**blank, "centre": org.centre.slug}):
        assert sql(org.admin, filters, ("page", 0, 50), page).endswith(ONE_PLAN)
        assert sql(org.leader, filters, ("named counts",), selectors._named_counts_query).endswith(ONE_PLAN)
    # The role is a parameter: a rare role's generic plan would walk every membership; and
    # "not signed" ran slower with its generic plan.
    for filters in ({**blank, "role": Role.DIRECTOR}, {**blank, "status": "unsigned"}):
        assert ONE_PLAN not in sql(org.admin, filters, ("page", 0, 50), page)
        assert ONE_PLAN not in sql(org.leader, filters, ("named counts",), selectors._named_counts_query)


def test_an_unknown_status_filters_nothing_instead_of_failing(org, client_for):
    from django.urls import reverse

    _people(org)
    version = publish_version(org.admin)
    sign(org.employee, version)
    for user in (org.admin, org.leader):
        client = client_for(user)
        everyone = client.get(reverse("codex:register")).context["page"]
        response = client.get(reverse("codex:register"), {"status": "x"})
        assert response.status_code == 200
        page = response.context["page"]
        assert page.paginator.count == everyone.paginator.count
        assert [row.person_id for row in page.object_list] == [row.person_id for row in everyone.object_list]


def test_the_workplace_list_is_the_chosen_centres_or_the_chosen_workplace_compiled_once(org):
    from codex.views import _workplace_choices
    from organisation.models import Centre, Workplace

    other_centre = Centre.objects.create(name="Other centre", slug="other-centre")
    Workplace.objects.create(
        name="A closed one", slug="closed-one", centre=org.centre, kind=org.workplace.kind, is_active=False
    )
    Workplace.objects.create(name="Elsewhere", slug="elsewhere", centre=other_centre, kind=org.workplace.kind)
    blank = dict.fromkeys(selectors.REGISTER_FILTERS, "")
    assert _workplace_choices(blank) == []
    for centre in (org.centre, other_centre, org.centre):
        expected = Workplace.objects.filter(is_active=True, centre=centre).order_by("name").values("name", "slug")
        assert _workplace_choices({**blank, "centre": centre.slug}) == list(expected)
    for workplace in (org.workplace, org.other_workplace):
        chosen = _workplace_choices({**blank, "workplace": workplace.slug})
        assert chosen == [{"name": workplace.name, "slug": workplace.slug}]
    assert _workplace_choices({**blank, "workplace": "closed-one"}) == []
