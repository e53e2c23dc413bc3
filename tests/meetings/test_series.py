"""Repeating meetings for a committee's plan keep their local time across daylight saving."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from meetings import services
from meetings.models import Meeting, MeetingSeries
from tests.meetings import helpers


def _series(org, **overrides):
    values = {
        "kind": helpers.kind("dialogue"),
        "title": "Dialogmøde",
        "organiser": org.chair,
        "committee": org.committee,
        "frequency": MeetingSeries.Frequency.MONTHLY_WEEKDAY,
        "weekday": MeetingSeries.Weekday.WEDNESDAY,
        "week_of_month": 3,
        "time_of_day": dt.time(9, 0),
        "duration_minutes": 90,
        "starts_on": dt.date(2031, 1, 1),
        "ends_on": dt.date(2031, 12, 31),
    }
    values.update(overrides)
    return services.series_create(**values)


def test_every_third_wednesday_at_nine_stays_nine_in_summer_and_winter(org):
    _, meetings = _series(org)
    local = [timezone.localtime(m.starts_at) for m in meetings]
    assert len(meetings) == 12
    assert all(t.weekday() == 2 and 15 <= t.day <= 21 for t in local)
    assert {t.strftime("%H:%M") for t in local} == {"09:00"}
    assert {t.utcoffset() for t in local} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert all(m.ends_at - m.starts_at == dt.timedelta(minutes=90) for m in meetings)
    assert local[2].date() == dt.date(2031, 3, 19) and local[3].date() == dt.date(2031, 4, 16)


def test_the_last_weekday_of_the_month(org):
    _, meetings = _series(org, week_of_month=-1, weekday=MeetingSeries.Weekday.THURSDAY)
    assert timezone.localtime(meetings[0].starts_at).date() == dt.date(2031, 1, 30)
    assert timezone.localtime(meetings[1].starts_at).date() == dt.date(2031, 2, 27)


def test_every_two_weeks_across_the_october_change(org):
    _, meetings = _series(
        org,
        frequency=MeetingSeries.Frequency.WEEKLY,
        weekday=MeetingSeries.Weekday.TUESDAY,
        interval_weeks=2,
        starts_on=dt.date(2031, 10, 1),
        ends_on=dt.date(2031, 11, 30),
    )
    local = [timezone.localtime(m.starts_at) for m in meetings]
    assert [t.date() for t in local] == [
        dt.date(2031, 10, 7),
        dt.date(2031, 10, 21),
        dt.date(2031, 11, 4),
        dt.date(2031, 11, 18),
    ]
    assert {t.hour for t in local} == {9}


def test_a_chair_plans_a_series_from_the_committee_page(org, client_for):
    year = timezone.localdate().year + 1
    response = client_for(org.chair).post(
        f"/moeder/udvalg/{org.committee.slug}/gentagne/",
        {
            "kind": helpers.kind("dialogue").pk,
            "title": "Fast dialogmøde",
            "frequency": "monthly_weekday",
            "week_of_month": "1",
            "weekday": "0",
            "interval_weeks": "1",
            "time_of_day": "16:00",
            "duration_minutes": "120",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-06-30",
            "purpose": "",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(series__title="Fast dialogmøde").count() == 6
    assert Meeting.objects.first().participants.filter(person=org.member).exists()


def test_a_monthly_series_without_a_week_gets_a_message_on_that_field(org, client_for):
    year = timezone.localdate().year + 1
    response = client_for(org.chair).post(
        f"/moeder/udvalg/{org.committee.slug}/gentagne/",
        {
            "kind": helpers.kind("dialogue").pk,
            "title": "Uden uge",
            "frequency": "monthly_weekday",
            "weekday": "0",
            "interval_weeks": "1",
            "time_of_day": "16:00",
            "duration_minutes": "120",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-06-30",
        },
    )
    assert "week_of_month" in response.context["form"].errors
    assert "Uden uge" in response.content.decode()


def test_a_chair_cannot_plan_a_series_at_a_workplace_outside_the_committee(org, client_for):
    year = timezone.localdate().year + 1
    response = client_for(org.chair).post(
        f"/moeder/udvalg/{org.committee.slug}/gentagne/",
        {
            "kind": helpers.kind("committee-at-workplace").pk,
            "title": "Udvalget på vejen",
            "host": org.other_workplace.pk,
            "frequency": "monthly_weekday",
            "week_of_month": "1",
            "weekday": "0",
            "interval_weeks": "1",
            "time_of_day": "16:00",
            "duration_minutes": "120",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-03-31",
        },
    )
    assert response.status_code == 400
    assert "host" in response.context["form"].errors
    assert not Meeting.objects.filter(title="Udvalget på vejen").exists()
