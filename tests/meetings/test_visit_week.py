"""A week view of free visit times beside the list (issue 16, point 3): Monday to Friday,
previous and next week, holidays shown closed, a Book button only where booking works, and a
fixed number of queries however many times there are."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings.models import VisitSlot
from tests.meetings import helpers

D = dt.date
TZ = timezone.get_default_timezone()


@pytest.fixture
def december(org):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=True):
        yield org


def _slot(org, day, hour=10, workplace=None, **extra):
    return VisitSlot.objects.create(
        workplace=workplace or org.workplace,
        starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=TZ),
        ends_at=dt.datetime.combine(day, dt.time(hour + 1), tzinfo=TZ),
        min_notice_hours=24,
        created_by=org.leader,
        **extra,
    )


def test_the_week_shows_monday_to_friday_with_the_weeks_free_times(december, client_for):
    monday = D(2026, 12, 14)
    tuesday_slot = _slot(december, monday + dt.timedelta(days=1), note="Mød op i receptionen")
    next_week = _slot(december, monday + dt.timedelta(days=7))
    response = client_for(december.member).get(f"/moeder/besoeg/uge/?uge={monday.isoformat()}")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag"):
        assert name in page
    assert f"/moeder/besoeg/{tuesday_slot.pk}/book/" in page
    assert f"/moeder/besoeg/{next_week.pk}/book/" not in page
    # Previous and next week.
    assert "uge=2026-12-07" in page and "uge=2026-12-21" in page
    # Any day of the week opens the week that holds it.
    same = client_for(december.member).get("/moeder/besoeg/uge/?uge=2026-12-16").content.decode()
    assert f"/moeder/besoeg/{tuesday_slot.pk}/book/" in same
    # The list links to the week, the week to the list.
    assert "/moeder/besoeg/uge/" in client_for(december.member).get("/moeder/besoeg/").content.decode()


def test_christmas_week_shows_the_holidays_closed(december, client_for):
    slot = _slot(december, D(2026, 12, 24))
    page = client_for(december.member).get("/moeder/besoeg/uge/?uge=2026-12-21").content.decode()
    assert "Juleaftensdag" in page and "Juledag" in page
    assert f"/moeder/besoeg/{slot.pk}/book/" not in page


def test_a_bad_week_falls_back_to_this_week(december, client_for):
    for value in ("nonsense", "9999-12-31", "0001-01-01"):
        assert client_for(december.member).get(f"/moeder/besoeg/uge/?uge={value}").status_code == 200


def test_the_week_shows_no_book_button_where_booking_would_fail(december, client_for):
    mine = _slot(december, D(2026, 12, 15), capacity=2)
    from meetings.visits import services as visits

    visits.visit_book(slot_id=mine.pk, member=december.member)
    elsewhere = _slot(december, D(2026, 12, 16), workplace=december.other_workplace)
    page = client_for(december.member).get("/moeder/besoeg/uge/?uge=2026-12-14").content.decode()
    assert f"/moeder/besoeg/{mine.pk}/book/" not in page
    assert f"/moeder/besoeg/{elsewhere.pk}/book/" not in page
    admin_page = client_for(december.admin).get("/moeder/besoeg/uge/?uge=2026-12-14").content.decode()
    assert f"/moeder/besoeg/{elsewhere.pk}/book/" not in admin_page  # the admin sits on no committee


# The week view: the user with their roles (1), the filter form's committees, workplace kinds and
# centres in one UNION ALL (1), the week's free times with workplace, kind, centre, seats taken (bookings and
# seats kept for proposals), recent meetings, my booking, whether I may book and whether a
# holiday was opened (1). The holidays themselves come from the `holidays` package.
WEEK_QUERIES = 3


@pytest.mark.parametrize("size", [10, 400])
def test_the_week_view_runs_a_fixed_number_of_queries(december, client_for, size, django_assert_num_queries, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monday = D(2026, 12, 14)
    VisitSlot.objects.bulk_create(
        [
            VisitSlot(
                workplace=december.workplace,
                starts_at=dt.datetime.combine(monday + dt.timedelta(days=n % 5), dt.time(8), tzinfo=TZ)
                + dt.timedelta(minutes=n),
                ends_at=dt.datetime.combine(monday + dt.timedelta(days=n % 5), dt.time(8), tzinfo=TZ)
                + dt.timedelta(minutes=n + 30),
                capacity=2,
                min_notice_hours=24,
            )
            for n in range(size)
        ]
    )
    helpers.bulk_meetings(december, size, start=timezone.now() - dt.timedelta(days=200), every_hours=3)
    client = client_for(december.member)
    url = f"/moeder/besoeg/uge/?uge={monday.isoformat()}"
    client.get(url)
    with django_assert_num_queries(WEEK_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("/book/") == size
