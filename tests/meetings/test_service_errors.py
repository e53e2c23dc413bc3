"""The meetings rooms' services say no as every service does (samspil.errors): a
ServiceError on the field it belongs to, a Conflict that carries the row as it is now, and
several refusals at once as ServiceErrors; the views put them on the form's fields."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.models import Meeting
from meetings.visits import services as visit_services
from samspil.errors import Conflict, ServiceError, ServiceErrors, refusals
from tests import factories
from tests.meetings import helpers


def test_a_meeting_checked_as_a_whole_names_each_field_it_refuses(org):
    with pytest.raises(ServiceErrors) as caught:
        services.meeting_create(
            kind=helpers.kind(),
            title="I fortiden, uden udvalg",
            organiser=org.leader,
            actor=org.leader,
            starts_at=helpers.at(-3, 16),
            ends_at=helpers.at(-3, 15),
        )
    fields = [refusal.field for refusal in refusals(caught.value)]
    assert {"ends_at", "committee", "starts_at"} <= set(fields)
    assert all(isinstance(refusal, ServiceError) and refusal.message for refusal in caught.value.errors)
    assert caught.value.field == fields[0]  # the first refusal is the error's own


def test_a_clashing_booking_is_refused_on_the_slot_field(org):
    other = factories.WorkplaceFactory(committees=[org.committee])
    helpers.booking(org, hour=10)
    clash = helpers.slot(org, hour=10, workplace=other)
    with pytest.raises(ServiceError) as caught:
        visit_services.visit_book(slot_id=clash.pk, member=org.member)
    assert caught.value.field == "slot" and org.workplace.name in caught.value.message


def test_a_full_visit_time_is_a_conflict_carrying_the_time(org):
    taken = helpers.booking(org, hour=11)
    with pytest.raises(Conflict) as caught:
        visit_services.visit_book(slot_id=taken.slot_id, member=org.chair)
    assert isinstance(caught.value, visit_services.SlotTaken)
    assert caught.value.current == taken.slot and caught.value.field == "slot"


def test_a_stale_minutes_save_is_a_conflict_carrying_the_saved_minutes(org):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="A", based_on_version=0)
    with pytest.raises(Conflict) as caught:
        services.minutes_save(meeting=meeting, author=org.member, text="B", based_on_version=0)
    assert caught.value.field == "text" and caught.value.current.text == "A"


def test_a_second_cancel_is_a_conflict_with_the_meeting_as_it_is(org):
    meeting = helpers.meeting(org)
    services.meeting_cancel(meeting=meeting, actor=org.chair, reason="Sygdom")
    stale = Meeting.objects.get(pk=meeting.pk)
    stale.status = Meeting.Status.PLANNED  # the page the second person still had open
    with pytest.raises(ServiceError) as caught:
        services.meeting_cancel(meeting=stale, actor=org.chair, reason="Igen")
    assert "aflyst" in caught.value.message or "cancelled" in caught.value.message


def test_a_refusal_lands_on_the_form_field_the_person_typed_in(org, client_for):
    response = client_for(org.chair).post(
        "/moeder/ny/",
        {
            "kind": helpers.kind().pk,
            "title": "Et møde i fortiden",
            "committee": org.committee.pk,
            "host": org.workplace.pk,
            "date": helpers.at(-2).date().isoformat(),
            "start": "16:00",
            "end": "18:00",
        },
    )
    assert response.status_code == 400
    assert "date" in response.context["form"].errors  # the service's starts_at is the form's date
