"""Pages run the same number of SQL queries with 10 and with 1,000 rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import AgendaItem, Participant, VisitSlot
from tests import factories
from tests.meetings import helpers


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Sessions are cached_db: with a Redis cache that other test runs flush, the
    session would now and then cost a query. A per-process cache keeps the counts exact."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _meetings_for(org, count: int, *, past: bool = False, start: dt.datetime | None = None, every_hours: int = 1):
    """`count` meetings of the committee, one every few hours from `start` (by default
    tomorrow, or so that the last has just ended)."""
    if start is None:
        start = timezone.now() + (dt.timedelta(hours=-count - 1) if past else dt.timedelta(days=1))
    meetings = helpers.bulk_meetings(org, count, start=start, every_hours=every_hours)
    Participant.objects.bulk_create(
        [Participant(meeting=m, person=org.member, role="politician") for m in meetings]
        + [Participant(meeting=m, person=org.leader, role="host") for m in meetings]
    )


# My meetings, as a committee member: the user with their roles (1), the page of meetings with
# kind, host, committee, participant count and my reply in one query with subqueries,
# each row carrying the count of my meetings for the paginator (1), my booked visits
# (1), my committees for the links to their plans (1). (A member may create no meeting:
# the meeting kinds are not read.)
MY_MEETINGS_QUERIES = 4


@pytest.mark.parametrize("size", [10, 1000])
def test_my_meetings_runs_a_fixed_number_of_queries(org, client_for, size, django_assert_num_queries):
    _meetings_for(org, size)
    client = client_for(org.member)
    client.get("/moeder/")  # warm the session cache
    with django_assert_num_queries(MY_MEETINGS_QUERIES):
        response = client.get("/moeder/")
    assert response.status_code == 200
    assert "Møde 0" in response.content.decode()


@pytest.mark.parametrize("size", [10, 1000])
def test_my_past_meetings_run_a_fixed_number_of_queries(org, client_for, size, django_assert_num_queries):
    _meetings_for(org, size, past=True)
    client = client_for(org.member)
    client.get("/moeder/?when=past")
    with django_assert_num_queries(MY_MEETINGS_QUERIES):
        response = client.get("/moeder/?when=past")
    assert f"Møde {size - 1}<" in response.content.decode()


def _participants_for(meeting, count: int):
    User = factories.User
    people = User.objects.bulk_create(
        [User(email=f"p{n}@big.example", full_name=f"Deltager {n:04d}", password="!") for n in range(count)]
    )
    Participant.objects.bulk_create([Participant(meeting=meeting, person=p, role="guest") for p in people])


# The meeting page (sessions are cached): the user with their roles (1), the meeting with kind,
# committee, host, centre, organiser, minutes, who locked them, the minutes' versions, the
# other workplaces, the agenda with its presenters and whether I may see it (1),
# participants with people (1), the host's development agreement to follow up with the
# host's committees for its rule (1).
MEETING_PAGE_QUERIES = 4 + (
    0 if connection.vendor == "postgresql" else 3
)  # elsewhere the workplaces, the versions and the agenda are queries of their own


@pytest.mark.parametrize("size", [10, 1000])
def test_the_meeting_page_runs_a_fixed_number_of_queries(org, client_for, size, django_assert_num_queries):
    meeting = helpers.locked_minutes(helpers.meeting(org, days=-2), org.chair)
    _participants_for(meeting, size)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, order=n, title=f"Punkt {n:04d}", presenter=org.leader, duration_minutes=5)
            for n in range(size)
        ]
    )
    client = client_for(org.employee)
    client.get(meeting.get_absolute_url())
    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(meeting.get_absolute_url())
    html = response.content.decode()
    assert f"Deltager {size - 1:04d}" in html
    assert html.index("Punkt 0000") < html.index(f"Punkt {size - 1:04d}")
    assert html.count(str(org.leader)) >= size


# Free visit times: the user with their roles (1), the filter form's committees, workplace
# kinds and centres in one UNION ALL (1), the page of times with workplace, kind, centre,
# seats taken, recent meetings and my booking, each row carrying the count of free times
# for the paginator (1).
FREE_TIMES_QUERIES = 3


@pytest.mark.parametrize("size", [10, 1000])
def test_free_visit_times_run_a_fixed_number_of_queries(org, client_for, size, django_assert_num_queries):
    start = timezone.now() + dt.timedelta(days=3)
    VisitSlot.objects.bulk_create(
        [
            VisitSlot(
                workplace=org.workplace,
                starts_at=start + dt.timedelta(hours=2 * n),
                ends_at=start + dt.timedelta(hours=2 * n + 1),
                capacity=2,
                min_notice_hours=24,
            )
            for n in range(size)
        ]
    )
    _meetings_for(org, size)
    client = client_for(org.member)
    client.get("/moeder/besoeg/")
    with django_assert_num_queries(FREE_TIMES_QUERIES):
        response = client.get("/moeder/besoeg/")
    assert "Egeskovskolen" in response.content.decode()


# The committee plan (a year, a page of 40): the user with their roles (1), the committee (1),
# meetings per month for the month index and the page count (1), the page of meetings
# with kind, host, participant count, my reply and the committee cases that I may see with
# their hearings' states counted (1; on PostgreSQL, where the cases are a column of the rows:
# tests/meetings/test_plan_cases_column.py; SQLite reads the cases in one more).
# The chair also reads the next agenda's cases with a hearing not closed (1).
COMMITTEE_PLAN_QUERIES = {"member": 4, "chair": 5}


def _cases_on(org, meetings, *, answered_every: int = 2):
    """A committee case about both workplaces on each meeting, hearings open; every
    `answered_every`th case has Egeskovskolen's answer."""
    from cases import services as case_services
    from cases.models import Case

    cases = []
    for n, meeting in enumerate(meetings):
        case = case_services.case_register(
            meeting=meeting,
            title=f"Sag {n}",
            summary="Et forslag.",
            kind=Case.Kind.DECISION,
            workplaces=[org.workplace, org.other_workplace],
            contact_name="Karen Forvaltning",
            by=org.admin,
        )
        if n % answered_every == 0:
            hearing = case.hearings.get(workplace=org.workplace)
            case_services.hearing_submit(
                hearing=hearing, answer="Vi støtter det.", version=hearing.version, by=org.leader
            )
        cases.append(case)
    return cases


@pytest.mark.parametrize("role", ["member", "chair"])
@pytest.mark.parametrize("size", [10, 1000])
def test_the_committee_plan_runs_a_fixed_number_of_queries(org, client_for, size, role, django_assert_num_queries):
    from meetings.models import Meeting

    # Every 8 hours from 5 January: 1,000 meetings stay inside the year.
    year = timezone.localdate().year + 1
    _meetings_for(org, size, start=timezone.make_aware(dt.datetime(year, 1, 5, 9)), every_hours=8)
    # A case on each of the first page's meetings (2 hearings each): 10 cases, or 40.
    _cases_on(org, Meeting.objects.filter(committee=org.committee).order_by("starts_at")[: min(size, 40)])
    client = client_for(getattr(org, role))
    url = f"/moeder/udvalg/{org.committee.slug}/?year={year}"
    client.get(url)
    # SQLite (the laptop default) reads the page's committee cases in a query of their own.
    separate_cases = 0 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(COMMITTEE_PLAN_QUERIES[role] + separate_cases):
        response = client.get(url)
    html = response.content.decode()
    assert "Møde 0<" in html
    assert ">Sag 0</a>" in html and ">Sag 9</a>" in html
    assert "hørt: besvaret" in html and "afventer svar" in html


# A workplace's meetings, as a committee member (the visibility rule applies): the user with
# their roles (1), the workplace (1), the workplace's meeting ids (1), the page of meetings
# with the count for the paginator (1). Its leader and leadership skip the ids (3).
WORKPLACE_MEETINGS_QUERIES = {"member": 4, "leader": 3}


@pytest.mark.parametrize("role", ["member", "leader"])
@pytest.mark.parametrize("size", [10, 1000])
def test_a_workplaces_meetings_run_a_fixed_number_of_queries(org, client_for, size, role, django_assert_num_queries):
    _meetings_for(org, size)
    client = client_for(getattr(org, role))
    url = f"/moeder/virksomhed/{org.workplace.slug}/"
    client.get(url)
    with django_assert_num_queries(WORKPLACE_MEETINGS_QUERIES[role]):
        response = client.get(url)
    assert "Møde 0<" in response.content.decode()
