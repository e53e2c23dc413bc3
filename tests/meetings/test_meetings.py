"""Meetings: who creates which kind, who sees what, replies, cancelling and holding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Participant
from meetings.selectors import meetings_visible_to
from tests.meetings import helpers


def _form(org, **overrides):
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    data = {
        "kind": helpers.kind("dialogue").pk,
        "title": "Dialogmøde om inklusion",
        "date": day,
        "start": "16:00",
        "end": "18:00",
        "committee": org.committee.pk,
        "host": org.workplace.pk,
        "place": "",
        "purpose": "Hvordan lykkes inklusionen?",
        "framing": "Åben samtale",
        "nothing_at_stake": "on",
        "preparation_notes": "Tag gerne elevrådet med.",
    }
    data.update(overrides)
    return data


def test_a_chair_creates_a_dialogue_meeting_for_the_committee_and_its_people_are_invited(org, client_for):
    response = client_for(org.chair).post("/moeder/ny/", _form(org))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.organiser == org.chair and meeting.nothing_at_stake
    assert timezone.localtime(meeting.starts_at).hour == 16
    invited = dict(Participant.objects.filter(meeting=meeting).values_list("person__email", "role"))
    assert invited == {
        "chair@test.example": "organiser",
        "member@test.example": "politician",
        "leader@test.example": "host",
    }
    # The place defaults to the host's address.
    assert "Skolevej 1" in meeting.location


def test_a_member_who_is_not_chair_cannot_create_meetings(org, client_for):
    assert client_for(org.member).post("/moeder/ny/", _form(org)).status_code == 403
    assert not Meeting.objects.exists()


def test_a_chair_cannot_create_a_meeting_for_another_committee(org, client_for):
    response = client_for(org.chair).post("/moeder/ny/", _form(org, committee=org.other_committee.pk))
    assert response.status_code == 400
    assert "committee" in response.context["form"].errors or "kind" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_leader_creates_a_committee_meeting_hosted_at_the_workplace_with_a_presentation_slot(org, client_for):
    data = _form(org, kind=helpers.kind("committee-at-workplace").pk)
    response = client_for(org.leader).post("/moeder/ny/", data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.agenda_items.get().is_presentation


def test_a_leader_cannot_host_at_someone_elses_workplace(org, client_for):
    data = _form(org, kind=helpers.kind("committee-at-workplace").pk, host=org.other_workplace.pk)
    response = client_for(org.leader).post("/moeder/ny/", data)
    assert response.status_code == 400 and "host" in response.context["form"].errors


def test_a_meeting_form_with_the_end_before_the_start_keeps_what_was_typed(org, client_for):
    response = client_for(org.chair).post("/moeder/ny/", _form(org, start="18:00", end="17:00"))
    assert response.status_code == 400
    assert "end" in response.context["form"].errors
    html = response.content.decode()
    assert "Dialogmøde om inklusion" in html and "Tag gerne elevrådet med." in html and 'value="18:00"' in html


def test_a_meeting_in_the_past_is_refused_on_the_date(org, client_for):
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client_for(org.chair).post("/moeder/ny/", _form(org, date=day))
    assert "date" in response.context["form"].errors


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("admin", True),
        ("director", True),
        ("chair", True),
        ("member", True),
        ("leader", True),
        ("employee", True),
        ("union_rep", True),
        ("med_contact", True),
        ("centre_head", True),
        ("other_leader", False),
        ("other_member", False),
        ("nobody", False),
    ],
)
def test_the_list_and_the_page_agree_on_who_sees_a_meeting(org, role, sees):
    meeting = helpers.meeting(org)
    user = org.roles[role]
    assert meetings_visible_to(user).filter(pk=meeting.pk).exists() is sees
    assert user.has_perm("meetings.view_meeting", meeting) is sees


def test_a_guest_from_outside_sees_the_meeting_once_invited(org, client_for):
    meeting = helpers.meeting(org)
    assert client_for(org.other_leader).get(meeting.get_absolute_url()).status_code == 404
    services.participant_add(meeting=meeting, person=org.other_leader, role="guest", actor=org.chair)
    assert client_for(org.other_leader).get(meeting.get_absolute_url()).status_code == 200


def test_a_participant_answers_yes_no_or_maybe(org, client_for):
    meeting = helpers.meeting(org)
    client = client_for(org.member)
    assert client.post(f"/moeder/{meeting.pk}/svar/", {"response": "maybe"}).status_code == 302
    participant = Participant.objects.get(meeting=meeting, person=org.member)
    assert participant.response == "maybe" and participant.responded_at is not None


def test_the_staff_see_the_preparation_notes_and_the_nothing_at_stake_marker(org, client_for):
    meeting = helpers.meeting(org)
    html = client_for(org.employee).get(meeting.get_absolute_url()).content.decode()
    assert "Medarbejderne viser rundt." in html
    assert "nothing-at-stake" in html
    assert "Medarbejderne viser rundt." not in client_for(org.director).get("/moeder/").content.decode()


def test_moving_a_meeting_raises_its_calendar_sequence_and_a_new_title_alone_too(org):
    meeting = helpers.meeting(org)
    assert meeting.sequence == 0
    meeting = services.meeting_update(
        meeting=meeting,
        actor=org.chair,
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        ends_at=meeting.ends_at + dt.timedelta(hours=1),
    )
    assert meeting.sequence == 1
    meeting = services.meeting_update(meeting=meeting, actor=org.chair, purpose="Nyt formål")
    assert meeting.sequence == 1  # purpose is not in the calendar event
    uid = meeting.uid
    meeting = services.meeting_update(meeting=meeting, actor=org.chair, place="Byrådssalen")
    assert meeting.sequence == 2 and meeting.uid == uid


def test_cancelling_needs_a_reason_and_is_recorded(org, client_for):
    meeting = helpers.meeting(org)
    client = client_for(org.chair)
    response = client.post(f"/moeder/{meeting.pk}/aflys/", {"reason": ""})
    assert "reason" in response.context["form"].errors
    client.post(f"/moeder/{meeting.pk}/aflys/", {"reason": "Budgetforhandlinger"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason, meeting.sequence) == ("cancelled", "Budgetforhandlinger", 1)
    assert meeting.log.filter(action="meeting.cancelled", actor=org.chair).exists()
    assert "Budgetforhandlinger" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_meeting_is_marked_held_only_once_it_has_started(org, client_for):
    future = helpers.meeting(org)
    client_for(org.chair).post(f"/moeder/{future.pk}/afholdt/")
    future.refresh_from_db()
    assert future.status == "planned"
    past = helpers.meeting(org, days=-1)
    client_for(org.chair).post(f"/moeder/{past.pk}/afholdt/")
    past.refresh_from_db()
    assert past.status == "held" and past.held_at is not None


def test_the_organiser_is_asked_for_missing_minutes_on_the_start_page(org, client_for):
    meeting = helpers.meeting(org, days=-3)
    html = client_for(org.chair).get("/").content.decode()
    assert f"/moeder/{meeting.pk}/referat/" in html


def test_a_member_is_asked_to_answer_an_invitation_on_the_start_page(org, client_for):
    meeting = helpers.meeting(org)
    assert f"/moeder/{meeting.pk}/" in client_for(org.member).get("/").content.decode()


def test_the_agenda_is_edited_with_presenters(org, client_for):
    meeting = helpers.meeting(org)
    url = f"/moeder/{meeting.pk}/dagsorden/"
    data = {
        "agenda_items-TOTAL_FORMS": "2",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-0-title": "Velkomst",
        "agenda_items-0-ORDER": "1",
        "agenda_items-0-presenter": org.leader.pk,
        "agenda_items-0-duration_minutes": "10",
        "agenda_items-0-proposed_by": "organiser",
        "agenda_items-1-title": "Rundvisning",
        "agenda_items-1-ORDER": "2",
        "agenda_items-1-presenter_text": "Elevrådet",
        "agenda_items-1-is_presentation": "on",
        "agenda_items-1-proposed_by": "workplace",
    }
    assert client_for(org.chair).post(url, data).status_code == 302
    items = list(meeting.agenda_items.order_by("order"))
    assert [(i.title, i.presenter_name) for i in items] == [("Velkomst", "Leader"), ("Rundvisning", "Elevrådet")]
    html = client_for(org.employee).get(meeting.get_absolute_url()).content.decode()
    assert "Rundvisning" in html and "Elevrådet" in html


def test_the_print_view_has_the_agenda_and_the_minutes(org, client_for):
    meeting = helpers.locked_minutes(helpers.meeting(org, days=-2), org.chair)
    html = client_for(org.employee).get(f"/moeder/{meeting.pk}/udskriv/").content.decode()
    assert "meetings/print.css" in html and "Rettet." in html


def test_a_committee_plan_shows_the_years_meetings(org, client_for):
    meeting = helpers.meeting(org)
    year = timezone.localtime(meeting.starts_at).year
    response = client_for(org.member).get(f"/moeder/udvalg/{org.committee.slug}/", {"year": year})
    # The plan's rows are values (meetings/selectors.committee_plan), not model instances.
    assert meeting.pk in [row["pk"] for row in response.context["meetings"]]
    response = client_for(org.other_member).get(f"/moeder/udvalg/{org.committee.slug}/", {"year": year})
    assert list(response.context["meetings"]) == []


def test_the_organiser_moves_a_meeting_in_the_form_and_its_sequence_goes_up(org, client_for):
    meeting = helpers.meeting(org)
    data = _form(org, title="Flyttet dialogmøde", start="17:00", end="19:00")
    response = client_for(org.chair).post(f"/moeder/{meeting.pk}/rediger/", data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, timezone.localtime(meeting.starts_at).hour, meeting.sequence) == (
        "Flyttet dialogmøde",
        17,
        1,
    )


def test_an_edit_with_a_bad_time_keeps_what_was_typed(org, client_for):
    meeting = helpers.meeting(org)
    data = _form(org, title="Nyt navn", start="17:00", end="")
    response = client_for(org.leader).post(f"/moeder/{meeting.pk}/rediger/", data)
    assert response.status_code == 400 and "end" in response.context["form"].errors
    assert "Nyt navn" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Dialogmøde om trivsel"


def test_a_school_development_conversation_carries_last_years_conclusions_over(org):
    last_year = helpers.meeting(org, days=-360, slug="school-development", title="Skoleudviklingssamtale 2025")
    helpers.locked_minutes(last_year, org.chair)
    meeting = helpers.meeting(org, days=5, slug="school-development", title="Skoleudviklingssamtale 2026")
    items = list(meeting.agenda_items.order_by("order"))
    assert "Rettet." in items[0].description
    assert [i.proposed_by for i in items] == ["organiser", "workplace", "committee", "organiser"]


def test_a_dialogue_meeting_links_to_the_hosts_development_agreement(org, client_for):
    import datetime as dt

    from agreements.models import Agreement
    from tests.agreements.helpers import make_agreement, make_template

    agreement = make_agreement(
        org, "active", template=make_template(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    )
    meeting = helpers.meeting(org, days=20)
    assert meeting.host_id == org.workplace.pk
    page = client_for(org.chair).get(meeting.get_absolute_url())
    assert page.context["agreement"] == agreement
    assert agreement.get_absolute_url() in page.content.decode()
    # Someone who may not read the agreement sees no link to it.
    Agreement.objects.filter(pk=agreement.pk).update(status="draft")
    page = client_for(org.member).get(meeting.get_absolute_url())
    assert page.status_code == 200 and page.context["agreement"] is None
