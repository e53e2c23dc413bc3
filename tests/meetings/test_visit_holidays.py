"""Danish public holidays take no visits unless the workplace opens the day explicitly
(issue 16, point 3): 24–26 and 31 December and 1 January, Easter, Whitsun, Ascension …
Publishing refuses them (a weekly series skips them and says so), the free times leave them
out, booking refuses them; the workplace can open a holiday."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings.models import VisitSlot
from samspil.errors import ServiceError

D = dt.date
TZ = timezone.get_default_timezone()


@pytest.fixture
def december(org):
    """1 December 2026, 09:00 in Copenhagen: Christmas lies ahead."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=True):
        yield org


def _slot_on(org, day: dt.date, hour: int = 10) -> VisitSlot:
    return VisitSlot.objects.create(
        workplace=org.workplace,
        starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=TZ),
        ends_at=dt.datetime.combine(day, dt.time(hour + 1), tzinfo=TZ),
        min_notice_hours=24,
        created_by=org.leader,
    )


def _publish(client, day: dt.date, weeks: int = 1):
    return client.post(
        f"/moeder/virksomhed/{helpers_slug()}/besoegstider/",
        {
            "form": "slot",
            "slot-date": day.isoformat(),
            "slot-start": "10:00",
            "slot-end": "11:00",
            "slot-capacity": 1,
            "slot-min_notice_hours": 24,
            "slot-repeat_weeks": weeks,
            "slot-note": "",
        },
    )


def helpers_slug() -> str:
    return "egeskovskolen"


@pytest.mark.parametrize("day", [D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 31), D(2027, 1, 1), D(2027, 3, 26)])
def test_a_leader_cannot_offer_a_visit_time_on_a_holiday(december, client_for, day):
    response = _publish(client_for(december.leader), day)
    assert response.status_code == 400
    assert not VisitSlot.objects.exists()
    assert "helligdag" in response.content.decode().lower() or "lukket" in response.content.decode().lower()


def test_a_weekly_series_skips_christmas_eve_and_new_years_eve_and_says_so(december, client_for):
    # Thursdays from 17.12.2026 for three weeks: 17.12, (24.12 closed), (31.12 closed).
    response = _publish(client_for(december.leader), D(2026, 12, 17), weeks=4)
    assert response.status_code == 302
    days = sorted(timezone.localtime(s.starts_at).date() for s in VisitSlot.objects.all())
    assert days == [D(2026, 12, 17), D(2027, 1, 7)]


@pytest.mark.parametrize("day", [D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 31), D(2027, 1, 1)])
def test_slots_on_christmas_and_new_year_are_neither_listed_nor_bookable(december, client_for, day):
    from meetings.visits import services as visits

    slot = _slot_on(december, day)
    ordinary = _slot_on(december, D(2026, 12, 22))
    page = client_for(december.member).get("/moeder/besoeg/").content.decode()
    assert f"/moeder/besoeg/{slot.pk}/book/" not in page
    assert f"/moeder/besoeg/{ordinary.pk}/book/" in page
    with pytest.raises(ServiceError):
        visits.visit_book(slot_id=slot.pk, member=december.member)
    assert client_for(december.member).post(f"/moeder/besoeg/{slot.pk}/book/").status_code == 400


@pytest.mark.parametrize("day", [D(2027, 3, 25), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17)])
def test_easter_ascension_and_whitsun_take_no_visits(december, day):
    from meetings.visits import services as visits

    slot = _slot_on(december, day)
    with pytest.raises(ServiceError):
        visits.visit_book(slot_id=slot.pk, member=december.member)


def test_the_workplace_opens_a_holiday_explicitly_and_closes_it_again(december, client_for):
    leader = client_for(december.leader)
    page = leader.get("/moeder/virksomhed/egeskovskolen/besoegstider/").content.decode()
    assert "Juleaftensdag" in page  # the coming holidays are listed, closed
    response = leader.post("/moeder/virksomhed/egeskovskolen/helligdage/", {"day": "2026-12-31", "open": "1"})
    assert response.status_code == 302
    assert _publish(leader, D(2026, 12, 31)).status_code == 302
    slot = VisitSlot.objects.get()
    page = client_for(december.member).get("/moeder/besoeg/").content.decode()
    assert f"/moeder/besoeg/{slot.pk}/book/" in page
    assert client_for(december.member).post(f"/moeder/besoeg/{slot.pk}/book/").status_code == 302
    # Closing it again hides unbooked times; a member's booking stays theirs to cancel.
    leader.post("/moeder/virksomhed/egeskovskolen/helligdage/", {"day": "2026-12-31", "open": "0"})
    other = _slot_on(december, D(2026, 12, 31), hour=13)
    assert f"/moeder/besoeg/{other.pk}/book/" not in client_for(december.chair).get("/moeder/besoeg/").content.decode()


def test_only_the_leader_and_administrators_open_a_holiday(december, client_for):
    from meetings.models import HolidayOpening

    for person in (december.member, december.other_leader, december.employee):
        response = client_for(person).post(
            "/moeder/virksomhed/egeskovskolen/helligdage/", {"day": "2026-12-31", "open": "1"}
        )
        assert response.status_code in (403, 404)
    assert not HolidayOpening.objects.exists()


def test_an_ordinary_day_cannot_be_opened_as_a_holiday(december, client_for):
    response = client_for(december.leader).post(
        "/moeder/virksomhed/egeskovskolen/helligdage/", {"day": "2026-12-22", "open": "1"}, follow=True
    )
    from meetings.models import HolidayOpening

    assert not HolidayOpening.objects.exists()
    assert response.status_code == 200
