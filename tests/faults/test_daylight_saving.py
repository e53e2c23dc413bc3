"""Issue 15, point 3: times across daylight saving in Europe/Copenhagen, through HTTP.

2027: the clocks go forward on 28 March (02:00 → 03:00) and back on 31 October
(03:00 → 02:00); 2030: 31 March and 27 October. Every case here answered 500, was stored
silently moved, or with the wrong length on main.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries, VisitSlot
from tests.meetings import helpers

HOUR = dt.timedelta(hours=1)
SPRING = {2027: dt.date(2027, 3, 28), 2030: dt.date(2030, 3, 31)}
AUTUMN = {2027: dt.date(2027, 10, 31), 2030: dt.date(2030, 10, 27)}
VISIT_URL = "/moeder/virksomhed/egeskovskolen/besoegstider/"


def _meeting_form(org, day: dt.date, start: str, end: str) -> dict:
    return {
        "kind": helpers.kind("dialogue").pk,
        "title": "Natmøde",
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "committee": org.committee.pk,
        "host": org.workplace.pk,
        "place": "",
        "purpose": "",
        "framing": "",
        "preparation_notes": "",
    }


def _visit_form(day: dt.date, start: str, end: str, weeks: int = 1) -> dict:
    return {
        "form": "slot",
        "slot-date": day.isoformat(),
        "slot-start": start,
        "slot-end": end,
        "slot-capacity": "2",
        "slot-min_notice_hours": "0",
        "slot-repeat_weeks": str(weeks),
        "slot-note": "",
    }


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("year", [2027, 2030])
def test_a_meeting_in_the_skipped_hour_is_refused_with_the_valid_time(org, client_for, year):
    response = client_for(org.chair).post("/moeder/ny/", _meeting_form(org, SPRING[year], "02:30", "03:30"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "02:30 findes ikke" in errors["start"][0] and "03:30" in errors["start"][0], errors
    assert not Meeting.objects.exists()
    # Nothing typed is lost.
    assert 'value="02:30"' in response.content.decode()


@pytest.mark.parametrize("year", [2027, 2030])
def test_a_visit_time_in_the_skipped_hour_is_refused_not_moved(org, client_for, year):
    response = client_for(org.leader).post(VISIT_URL, _visit_form(SPRING[year], "02:30", "04:00"))
    assert response.status_code == 400
    assert "02:30 findes ikke" in response.context["slot_form"].errors["start"][0]
    assert not VisitSlot.objects.exists()


@pytest.mark.parametrize("year", [2027, 2030])
def test_a_meeting_in_the_repeated_hour_lasts_what_the_clock_face_says_and_says_which(org, client_for, year):
    response = client_for(org.chair).post("/moeder/ny/", _meeting_form(org, AUTUMN[year], "02:30", "03:30"))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.ends_at - meeting.starts_at == HOUR  # in UTC, as stored
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "02:30"
    notes = _messages(response)
    assert any("02:30 forekommer to gange" in note and "vintertid" in note for note in notes), notes


@pytest.mark.parametrize("year", [2027, 2030])
def test_the_first_of_a_repeated_hour_is_taken_and_named(org, client_for, year):
    response = client_for(org.leader).post(VISIT_URL, _visit_form(AUTUMN[year], "01:30", "02:30"))
    assert response.status_code == 302
    slot = VisitSlot.objects.get()
    assert slot.ends_at - slot.starts_at == HOUR
    assert timezone.localtime(slot.ends_at).utcoffset() == 2 * HOUR  # the first 02:30: summer time
    assert any("sommertid" in note for note in _messages(response))


def test_weekly_visit_times_skip_the_night_the_clocks_jump_visibly(org, client_for):
    # Saturdays at 02:15 from 13 March 2027: the 28th is a Sunday, so use Sundays.
    first = dt.date(2027, 3, 14)
    response = client_for(org.leader).post(VISIT_URL, _visit_form(first, "02:15", "02:45", weeks=4))
    assert response.status_code == 302
    local = [timezone.localtime(s.starts_at) for s in VisitSlot.objects.order_by("starts_at")]
    assert [t.date() for t in local] == [dt.date(2027, 3, 14), dt.date(2027, 3, 21), dt.date(2027, 4, 4)]
    assert {t.strftime("%H:%M") for t in local} == {"02:15"}  # never silently 03:15
    notes = _messages(response)
    assert any("28. marts 2027" in note and "02:15" in note for note in notes), notes


def test_a_chairs_weekly_series_keeps_its_hour_and_lists_the_skipped_date(org, client_for):
    data = {
        "kind": helpers.kind("dialogue").pk,
        "title": "Natlig dialog",
        "frequency": MeetingSeries.Frequency.WEEKLY,
        "weekday": MeetingSeries.Weekday.SUNDAY,
        "interval_weeks": "1",
        "time_of_day": "02:15",
        "duration_minutes": "60",
        "starts_on": "2030-03-17",
        "ends_on": "2030-04-07",
        "purpose": "",
        "place": "",
    }
    response = client_for(org.chair).post(f"/moeder/udvalg/{org.committee.slug}/gentagne/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meetings = list(Meeting.objects.order_by("starts_at"))
    local = [timezone.localtime(m.starts_at) for m in meetings]
    assert dt.date(2030, 3, 31) not in [t.date() for t in local]
    assert {t.strftime("%H:%M") for t in local} == {"02:15"}
    assert all(m.ends_at - m.starts_at == HOUR for m in meetings)
    assert any("31. marts 2030" in note for note in _messages(response))


def test_a_series_across_the_night_the_clocks_go_forward_lasts_its_real_duration(org, client_for):
    """01:30 for two hours on 31 March 2030 ends at 04:30 local time: two real hours."""
    data = {
        "kind": helpers.kind("dialogue").pk,
        "title": "Nattevagt",
        "frequency": MeetingSeries.Frequency.WEEKLY,
        "weekday": MeetingSeries.Weekday.SUNDAY,
        "interval_weeks": "1",
        "time_of_day": "01:30",
        "duration_minutes": "120",
        "starts_on": "2030-03-31",
        "ends_on": "2030-03-31",
        "purpose": "",
        "place": "",
    }
    response = client_for(org.chair).post(f"/moeder/udvalg/{org.committee.slug}/gentagne/", data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.ends_at - meeting.starts_at == 2 * HOUR
    assert timezone.localtime(meeting.ends_at).strftime("%H:%M") == "04:30"
