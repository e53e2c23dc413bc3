"""Editing a meeting checks what creating checks.

A workplace leader creates a meeting at their workplace, then edits it: the host moved
to a workplace of another centre, another committee, other workplaces, a date last
month — and marks it held. Each edit is refused on its field (400 would lose nothing
either: the form comes back with what was typed), and nothing reaches coverage.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Meeting
from tests import factories
from tests.meetings import helpers


def _form(org, meeting: Meeting, **overrides) -> dict:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    data = {
        "kind": meeting.kind_id,
        "title": meeting.title,
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "committee": meeting.committee_id or "",
        "host": meeting.host_id or "",
        "workplaces": [w.pk for w in meeting.workplaces.all()],
        "place": meeting.place,
        "purpose": meeting.purpose,
        "framing": meeting.framing,
        "nothing_at_stake": "on",
        "preparation_notes": meeting.preparation_notes,
    }
    data.update(overrides)
    return data


@pytest.fixture
def leaders_meeting(org, client_for) -> Meeting:
    """Created by the leader through the page, as in the defect's report."""
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client_for(org.leader).post(
        "/moeder/ny/",
        {
            "kind": helpers.kind("committee-at-workplace").pk,
            "title": "Udvalget besøger skolen",
            "date": day,
            "start": "16:00",
            "end": "18:00",
            "committee": org.committee.pk,
            "host": org.workplace.pk,
            "purpose": "Rundvisning",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return Meeting.objects.get()


def _edit(client, meeting, data):
    return client.post(f"/moeder/{meeting.pk}/rediger/", data)


def _unchanged(meeting: Meeting, before: dict) -> None:
    meeting.refresh_from_db()
    assert _state(meeting) == before


def _state(meeting: Meeting) -> dict:
    return {
        "host": meeting.host_id,
        "committee": meeting.committee_id,
        "starts_at": meeting.starts_at,
        "workplaces": sorted(meeting.workplaces.values_list("pk", flat=True)),
    }


def test_a_leader_cannot_move_the_host_to_a_workplace_of_another_centre(org, client_for, leaders_meeting):
    before = _state(leaders_meeting)
    response = _edit(client_for(org.leader), leaders_meeting, _form(org, leaders_meeting, host=org.other_workplace.pk))
    assert response.status_code == 400
    assert "host" in response.context["form"].errors
    assert "Udvalget besøger skolen" in response.content.decode()  # nothing typed is lost
    _unchanged(leaders_meeting, before)


def test_a_leader_cannot_move_the_meeting_to_another_committee(org, client_for, leaders_meeting):
    before = _state(leaders_meeting)
    response = _edit(
        client_for(org.leader), leaders_meeting, _form(org, leaders_meeting, committee=org.other_committee.pk)
    )
    assert response.status_code == 400
    assert "committee" in response.context["form"].errors
    _unchanged(leaders_meeting, before)


def test_a_leader_cannot_add_workplaces_outside_their_reach(org, client_for, leaders_meeting):
    before = _state(leaders_meeting)
    response = _edit(
        client_for(org.leader), leaders_meeting, _form(org, leaders_meeting, workplaces=[org.other_workplace.pk])
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "workplaces" in errors and "Vej og Park" in str(errors["workplaces"])
    _unchanged(leaders_meeting, before)


def test_a_leader_may_invite_another_workplace_of_the_same_committee(org, client_for, leaders_meeting):
    neighbour = factories.WorkplaceFactory(name="Bøgeskolen", centre=org.centre, committees=[org.committee])
    response = _edit(client_for(org.leader), leaders_meeting, _form(org, leaders_meeting, workplaces=[neighbour.pk]))
    assert response.status_code == 302
    assert list(leaders_meeting.workplaces.all()) == [neighbour]


def test_a_leader_cannot_move_the_meeting_into_last_month(org, client_for, leaders_meeting):
    before = _state(leaders_meeting)
    last_month = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = _edit(client_for(org.leader), leaders_meeting, _form(org, leaders_meeting, date=last_month))
    assert response.status_code == 400
    assert "date" in response.context["form"].errors
    _unchanged(leaders_meeting, before)


def test_the_whole_attack_at_once_is_refused_field_by_field(org, client_for, leaders_meeting):
    before = _state(leaders_meeting)
    last_month = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    data = _form(
        org,
        leaders_meeting,
        host=org.other_workplace.pk,
        committee=org.other_committee.pk,
        workplaces=[org.other_workplace.pk],
        date=last_month,
    )
    response = _edit(client_for(org.leader), leaders_meeting, data)
    assert response.status_code == 400
    assert {"host", "committee", "workplaces", "date"} <= set(response.context["form"].errors)
    _unchanged(leaders_meeting, before)


def test_a_meeting_that_has_not_started_cannot_be_marked_held(org, client_for, leaders_meeting):
    client = client_for(org.leader)
    last_month = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    _edit(client, leaders_meeting, _form(org, leaders_meeting, date=last_month))
    client.post(f"/moeder/{leaders_meeting.pk}/afholdt/")
    leaders_meeting.refresh_from_db()
    assert leaders_meeting.status == Meeting.Status.PLANNED and leaders_meeting.held_at is None
    assert timezone.localtime(leaders_meeting.starts_at).date() > timezone.localdate()


def test_a_chair_cannot_plan_at_a_workplace_outside_the_committee(org, client_for):
    meeting = helpers.meeting(org)
    response = _edit(client_for(org.chair), meeting, _form(org, meeting, host=org.other_workplace.pk))
    assert response.status_code == 400 and "host" in response.context["form"].errors


def test_an_edit_within_reach_still_saves(org, client_for, leaders_meeting):
    response = _edit(client_for(org.leader), leaders_meeting, _form(org, leaders_meeting, title="Nyt navn"))
    assert response.status_code == 302
    leaders_meeting.refresh_from_db()
    assert leaders_meeting.title == "Nyt navn"


def test_a_past_meeting_keeps_its_date_when_its_title_is_corrected(org, client_for):
    meeting = helpers.meeting(org, days=-3)
    response = _edit(client_for(org.chair), meeting, _form(org, meeting, title="Rettet titel"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Rettet titel"


def test_a_booked_visit_stays_at_the_workplace_that_offered_it(org, client_for):
    second = factories.WorkplaceFactory(name="Bøgeskolen", centre=org.centre, committees=[org.committee])
    factories.grant(org.leader, factories.Role.WORKPLACE_LEADER, workplace=second)
    booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    response = _edit(client_for(org.leader), meeting, _form(org, meeting, host=second.pk))
    assert response.status_code == 400 and "host" in response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.host == org.workplace
