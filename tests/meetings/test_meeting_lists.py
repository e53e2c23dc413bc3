"""My meetings and the committee plan: what they list, in which order, a page at a time."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Participant
from tests.meetings import helpers


def _titles(response) -> list[str]:
    # My meetings lists Meeting instances, the committee plan value rows.
    return [m["title"] if isinstance(m, dict) else m.title for m in response.context["page"].object_list]


def test_my_meetings_lists_what_i_take_part_in_or_organise_soonest_first(org, client_for):
    later = helpers.meeting(org, days=20, title="Deltager senere")
    sooner = helpers.meeting(org, days=5, title="Deltager snart")
    # Organised by the member without being a participant: still the member's meeting.
    organised = helpers.meeting(org, days=10, title="Arrangeret af mig", organiser=org.member)
    Participant.objects.filter(meeting=organised, person=org.member).delete()
    helpers.meeting(org, days=7, title="Andres møde", committee=org.other_committee, organiser=org.other_member)
    Participant.objects.filter(person=org.member, meeting__title="Andres møde").delete()
    past = helpers.meeting(org, days=14, title="Holdt møde")
    Meeting.objects.filter(pk=past.pk).update(starts_at=helpers.at(-3, 16), ends_at=helpers.at(-3, 18))
    older = helpers.meeting(org, days=14, title="Ældre møde")
    Meeting.objects.filter(pk=older.pk).update(starts_at=helpers.at(-30, 16), ends_at=helpers.at(-30, 18))

    client = client_for(org.member)
    assert _titles(client.get("/moeder/")) == [sooner.title, organised.title, later.title]
    assert _titles(client.get("/moeder/", {"when": "past"})) == ["Holdt møde", "Ældre møde"]


def _plan_meetings(org, year: int, count: int, *, every_hours: int = 8) -> None:
    """`count` meetings of the committee from 5 January of `year`, one every few hours."""
    start = services.local_datetime(dt.date(year, 1, 5), dt.time(9, 0))
    helpers.bulk_meetings(org, count, start=start, every_hours=every_hours, title="Planmøde")


def test_a_busy_committee_year_comes_in_pages_with_a_month_index(org, client_for):
    year = timezone.localdate().year + 1
    # 50 meetings a day apart: 27 in January (5th–31st), 23 in February.
    _plan_meetings(org, year, 50, every_hours=24)
    client = client_for(org.member)
    url = f"/moeder/udvalg/{org.committee.slug}/"

    first = client.get(url, {"year": year})
    assert _titles(first) == [f"Planmøde {n}" for n in range(40)]
    html = first.content.decode()
    assert f"Møder 1–40 af 50 i {year}." in html
    # The index: each month with its count, linking to the page where it starts.
    months = re.findall(r'href="\?year=\d+&amp;page=(\d+)#month-(\d+)"[^>]*>(\w+)</a> <span[^>]*>\((\d+)\)', html)
    assert months == [("1", "1", "Januar", "27"), ("1", "2", "Februar", "23")]

    second = client.get(url, {"year": year, "page": 2})
    assert _titles(second) == [f"Planmøde {n}" for n in range(40, 50)]
    assert 'id="month-2"' in second.content.decode()


def test_a_quiet_committee_year_is_one_page(org, client_for):
    year = timezone.localdate().year + 1
    _plan_meetings(org, year, 12, every_hours=24 * 30)
    response = client_for(org.member).get(f"/moeder/udvalg/{org.committee.slug}/", {"year": year})
    assert len(_titles(response)) == 12
    assert not response.context["page"].has_other_pages()


def test_the_current_years_busy_plan_opens_at_the_current_month(org, client_for):
    with time_machine.travel(dt.datetime(2030, 6, 15, 12, tzinfo=dt.UTC)):
        # Every 8 hours from 5 January: about 90 a month, so June is on a later page.
        _plan_meetings(org, 2030, 600)
        response = client_for(org.member).get(f"/moeder/udvalg/{org.committee.slug}/")
        shown = list(response.context["page"].object_list)
        assert response.context["page"].number > 1
        months = {timezone.localtime(m["starts_at"]).month for m in shown}
        assert 6 in months and min(months) >= 5


def test_a_non_member_sees_only_the_plan_meetings_they_may_open(org, client_for):
    year = timezone.localdate().year + 1
    _plan_meetings(org, year, 3, every_hours=24)
    response = client_for(org.other_member).get(f"/moeder/udvalg/{org.committee.slug}/", {"year": year})
    assert _titles(response) == []
    assert response.context["months"] == []
