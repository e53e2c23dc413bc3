"""Issue 15, point 4: bounds on input (samspil/bounds.py).

The control-character sweep runs every GET page of the access matrix, as a role that
may see it, with NUL and other control characters in the query string: 400, never 500
(on main `?kind=%00`, `?q=%00`, `?status=%00`, `?committee=%00` and `?query=%00` were
500s on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, VisitSlot
from tests.access import REDIRECT, ROLES
from tests.meetings import helpers
from tests.test_access_matrix import ROWS, _value

CONTROL_PARAMETERS = ["x=%00", "kind=%00", "q=%00", "status=%00", "committee=%00", "query=%00", "q=a%07b", "q=%1b[31m"]
GET_ROWS = [row for row in ROWS if row.method == "GET"]


def _allowed_role(row) -> str:
    """A role that gets the page (200), else one that is sent on (a redirect), else the
    visitor: the control characters must be refused whatever the page would answer."""
    for wanted in (200, REDIRECT, 302):
        for role in ("anonymous", *ROLES):
            if row.expected(role) == wanted:
                return role
    return "anonymous"


@pytest.mark.parametrize("row", GET_ROWS, ids=lambda row: row.name)
def test_control_characters_in_the_query_string_answer_400(row, org, client_for, postgres):
    role = _allowed_role(row)
    with transaction.atomic():
        extra = row.setup(org) if row.setup else {}
        url = reverse(row.name, kwargs={**_value(row.kwargs, org), **extra})
        client = client_for(None if role == "anonymous" else org.roles[role])
        assert client.get(url).status_code < 500, url  # the page itself works
        for parameters in CONTROL_PARAMETERS:
            response = client.get(f"{url}?{parameters}")
            assert response.status_code == 400, f"{url}?{parameters}: {response.status_code}"
        transaction.set_rollback(True)


def test_the_five_pages_of_the_report_answer_400_and_say_why(org, client_for, postgres):
    client = client_for(org.director)
    for url in ("/moeder/besoeg/?kind=%00", "/daekning/?committee=%00", "/gode-historier/?q=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "kontroltegn" in response.content.decode()


def test_a_control_character_in_a_form_field_answers_400_and_saves_nothing(org, client_for, postgres):
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client_for(org.chair).post(
        "/moeder/ny/",
        {
            "kind": helpers.kind("dialogue").pk,
            "title": "Møde\x00",
            "date": day,
            "start": "10:00",
            "end": "11:00",
            "committee": org.committee.pk,
            "host": org.workplace.pk,
        },
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_line_breaks_and_tabs_are_ordinary_text(org, client_for):
    response = client_for(org.member).get("/moeder/besoeg/?q=a%09b%0d%0a")
    assert response.status_code == 200


# --- The date window: ten years back, five ahead ----------------------------------------


def test_a_filter_far_in_the_future_is_a_message_not_a_500(org, client_for, postgres):
    response = client_for(org.member).get("/moeder/besoeg/?date_to=9999-12-31")
    assert response.status_code == 400  # the filter form comes back with its field message
    assert "Vælg en dato mellem" in response.content.decode()


def test_a_visit_time_repeated_from_the_year_9999_is_refused_on_its_field(org, client_for, postgres):
    response = client_for(org.leader).post(
        "/moeder/virksomhed/egeskovskolen/besoegstider/",
        {
            "form": "slot",
            "slot-date": "9999-12-27",
            "slot-start": "10:00",
            "slot-end": "11:00",
            "slot-capacity": "2",
            "slot-min_notice_hours": "0",
            "slot-repeat_weeks": "4",
        },
    )
    assert response.status_code == 400
    assert "Vælg en dato mellem" in response.context["slot_form"].errors["date"][0]
    assert not VisitSlot.objects.exists()
    # What was typed stays in the form.
    assert 'value="9999-12-27"' in response.content.decode()


def test_a_meeting_in_the_year_9999_is_refused(org, client_for):
    data = {
        "kind": helpers.kind("dialogue").pk,
        "title": "Langt ude",
        "date": "9999-01-01",
        "start": "10:00",
        "end": "11:00",
        "committee": org.committee.pk,
        "host": org.workplace.pk,
    }
    response = client_for(org.chair).post("/moeder/ny/", data)
    assert response.status_code == 400
    assert "Vælg en dato mellem" in response.context["form"].errors["date"][0]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("offset_days", "accepted"),
    [(-365 * 10 - 3, False), (-365 * 10 + 3, True), (365 * 5 - 3, True), (365 * 5 + 3, False)],
)
def test_the_window_edges(offset_days, accepted, org, client_for):
    day = (timezone.localdate() + dt.timedelta(days=offset_days)).isoformat()
    response = client_for(org.member).get(f"/moeder/besoeg/?date_from={day}")
    assert response.status_code == (200 if accepted else 400)
    assert ("Vælg en dato mellem" not in response.content.decode()) is accepted
