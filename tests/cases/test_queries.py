"""The case page, the committee's agenda view and the hearing figures run a fixed number
of queries whatever the number of cases, hearings and workplaces (two data sizes each)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case
from tests.factories import WorkplaceFactory

from .helpers import ANSWER, committee_meeting, make_case

pytestmark = pytest.mark.django_db
PERIOD = {
    "period": "custom",
    "date_from": (dt.date.today() - dt.timedelta(days=100)).isoformat(),
    "date_to": (dt.date.today() + dt.timedelta(days=100)).isoformat(),
}


def _workplaces(org, n: int) -> list:
    extra = [WorkplaceFactory(centre=org.centre, committees=[org.committee]) for _ in range(n)]
    return [org.workplace, *extra]


def _grow(org, meeting, *, cases: int, workplaces: int) -> list[Case]:
    made = []
    places = _workplaces(org, workplaces)
    for index in range(cases):
        case = make_case(org, meeting=meeting, workplaces=places)
        for hearing in case.hearings.all()[: len(places) // 2]:
            services.hearing_submit(hearing=hearing, answer=ANSWER, version=hearing.version, by=org.leader)
        if index % 2:
            case = services.case_override(case=case, by=org.admin, reason="Hastesag")
        made.append(case)
    return made


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("reader", ["chair", "leader"])
def test_the_case_page_is_fixed_whatever_the_number_of_hearings(org, client_for, reader):
    meeting = committee_meeting(org)
    small = _grow(org, meeting, cases=1, workplaces=1)[0]
    large = _grow(org, meeting, cases=1, workplaces=12)[0]
    client = client_for(getattr(org, reader))
    client.get(reverse("cases:detail", args=[small.pk]))  # the session's first request
    # user with their roles, the case (with committee and meeting), its hearings with
    # their workplaces and presenters; the leader's rule reads the case's workplaces too
    # (the chair's does not need them).
    budget = {"chair": 3, "leader": 4}[reader]
    assert _count(client, reverse("cases:detail", args=[small.pk])) == budget
    assert _count(client, reverse("cases:detail", args=[large.pk])) == budget


def test_the_agenda_view_is_fixed_whatever_the_number_of_cases(org, client_for):
    small_meeting, large_meeting = committee_meeting(org, days=30), committee_meeting(org, days=40)
    _grow(org, small_meeting, cases=1, workplaces=1)
    _grow(org, large_meeting, cases=8, workplaces=5)
    client = client_for(org.chair)
    client.get(reverse("cases:agenda", args=[small_meeting.pk]))
    small = _count(client, reverse("cases:agenda", args=[small_meeting.pk]))
    large = _count(client, reverse("cases:agenda", args=[large_meeting.pk]))
    # user with their roles, the meeting with its committee, and the visible cases with their agenda
    # items and their hearings' states counted (one query).
    assert small == large == 3


def test_the_figures_are_fixed_whatever_the_number_of_cases(org, client_for):
    from cases import freshness

    meeting = committee_meeting(org)
    _grow(org, meeting, cases=1, workplaces=1)
    client = client_for(org.admin)
    client.get(reverse("cases:figures"), PERIOD)
    freshness.VERSION.bump()  # a new data version: nothing cached for it
    small, small_again = (
        _count(client, reverse("cases:figures"), PERIOD),
        _count(client, reverse("cases:figures"), PERIOD),
    )
    _grow(org, meeting, cases=6, workplaces=8)
    large, large_again = (
        _count(client, reverse("cases:figures"), PERIOD),
        _count(client, reverse("cases:figures"), PERIOD),
    )
    # user with their roles (and no Django permissions to look up for the dashboard's check);
    # the data version (cases/freshness.py); the dashboard's filter form (terms, committees,
    # centres, workplace and meeting kinds) in one query; the committees' figures and a page
    # of the workplaces' figures in one query (cases/selectors.py: aggregated in the database
    # from the figure table). The same data version again: the form's lists and the figures
    # from the cache.
    assert small == large == 4
    assert small_again == large_again == 2
