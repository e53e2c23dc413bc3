"""The meeting page and its print written by Jinja2 (meetings/_meeting_detail.jinja,
_meeting_body.jinja) are the markup the Django templates wrote before (kept in
tests/meetings/templates_before/), for every reader and state the page has: invited or
organising, a visit with bookings and each way a booking ended, draft minutes being read
and commented, attendance, locked minutes, a cancelled meeting, in both languages.
(`same_as_before`: tests/meetings/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings import minutes as minutes_services
from meetings import services
from meetings.models import AgendaItem, Participant
from meetings.visits import services as visit_services
from tests.meetings import helpers


def _full_meeting(org):
    meeting = helpers.meeting(
        org,
        title="Mødet om 'skolen' & \"SFO\"",
        framing="Rammen <b>er</b> sat.",
        workplaces=[org.other_workplace],
    )
    services.agenda_save(
        meeting=meeting,
        items=[
            {"title": "Velkomst", "presenter_name": "Lederen", "duration_minutes": 10, "is_presentation": True},
            {"title": "Rundvisning", "description": "Gennem <alle> lokaler", "duration_minutes": 30},
            {"title": "Spørgsmål", "presenter_name": "Formanden"},
        ],
        delete_ids=[],
    )
    return meeting


@pytest.mark.parametrize("language", ["da", "en"])
def test_an_upcoming_meeting_reads_the_same_for_every_reader(org, same_as_before, language):
    meeting = _full_meeting(org)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 3
    for user in (org.member, org.chair, org.leader, org.director, org.admin, org.other_leader, org.employee):
        same_as_before(user, meeting.get_absolute_url(), language=language)
        same_as_before(user, f"{meeting.get_absolute_url()}udskriv/", language=language)


@pytest.mark.parametrize("language", ["da", "en"])
def test_draft_minutes_being_read_and_attendance_read_the_same(org, same_as_before, language):
    meeting = helpers.meeting(org, days=-3, nothing_at_stake=False, purpose="", preparation_notes="")
    services.minutes_save(meeting=meeting, author=org.chair, text="Udkast med <tegn> & 'citat'.", based_on_version=0)
    services.minutes_save(meeting=meeting, author=org.chair, text="Udkast 2.", based_on_version=1)
    people = [participant.person for participant in meeting.participants.select_related("person")]
    minutes_services.reading_ask(
        meeting=meeting, actor=org.chair, people=people, deadline=timezone.now() + dt.timedelta(days=3)
    )
    minutes_services.mark_read(meeting=meeting, person=org.leader)
    minutes_services.comment_add(meeting=meeting, author=org.leader, text="Ret <dette> & 'hint'.")
    marks = {p.pk: "present" for p in meeting.participants.all()[:1]}
    marks.update({p.pk: "excused" for p in meeting.participants.all()[1:2]})
    minutes_services.attendance_save(meeting=meeting, actor=org.chair, marks=marks, others="Gæst Jensen\nGæst <To>")
    for user in (org.member, org.chair, org.leader, org.director, org.admin):
        same_as_before(user, meeting.get_absolute_url(), language=language)
        same_as_before(user, f"{meeting.get_absolute_url()}udskriv/", language=language)


@pytest.mark.parametrize("language", ["da", "en"])
def test_locked_minutes_and_a_past_meeting_without_minutes_read_the_same(org, same_as_before, language):
    locked = helpers.locked_minutes(helpers.meeting(org, days=-5), org.chair)
    bare = helpers.meeting(org, days=-2, purpose="", nothing_at_stake=False, host=None, preparation_notes="")
    for user in (org.member, org.chair, org.leader, org.director):
        same_as_before(user, locked.get_absolute_url(), language=language)
        same_as_before(user, f"{locked.get_absolute_url()}udskriv/", language=language)
    for user in (org.member, org.chair):
        same_as_before(user, bare.get_absolute_url(), language=language)


def test_a_cancelled_meeting_and_replies_read_the_same(org, same_as_before):
    meeting = _full_meeting(org)
    services.participant_respond(meeting=meeting, person=org.member, response=Participant.Response.MAYBE)
    services.participant_respond(meeting=meeting, person=org.leader, response=Participant.Response.YES)
    same_as_before(org.member, meeting.get_absolute_url())
    services.meeting_cancel(meeting=meeting, actor=org.chair, reason="Sygdom & <aflysning>")
    for user in (org.member, org.chair, org.leader):
        same_as_before(user, meeting.get_absolute_url())


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_visit_and_each_way_a_booking_ended_read_the_same(org, same_as_before, language):
    booking = helpers.booking(org, days=10, capacity=2)
    visit_services.visit_book(slot_id=booking.slot_id, member=org.chair, purpose="At se <værkstedet> & 'haven'")
    visit = booking.slot.meeting
    for user in (org.member, org.chair, org.leader, org.director):
        same_as_before(user, visit.get_absolute_url(), language=language)
    # Cancelled: the member still opens the visit's page and reads that they cancelled.
    visit_services.visit_cancel(booking=booking, actor=org.member, reason="Syg & <træt>")
    same_as_before(org.member, visit.get_absolute_url(), language=language)
    # Moved to another time.
    moved = helpers.booking(org, days=12, hour=9)
    later = helpers.slot(org, days=14, hour=9)
    visit_services.visit_move(
        booking=moved, new_slot_id=later.pk, actor=org.member, reason="Et andet & 'bedre' tidspunkt"
    )
    same_as_before(org.member, moved.slot.meeting.get_absolute_url(), language=language)
    # Declined by the workplace.
    declined = helpers.booking(org, days=16, hour=9)
    visit_services.visit_decline(booking=declined, actor=org.leader, reason="Lukket")
    same_as_before(org.member, declined.slot.meeting.get_absolute_url(), language=language)
    # Another time proposed.
    proposed = helpers.booking(org, days=18, hour=9)
    other = helpers.slot(org, days=20, hour=9)
    visit_services.visit_propose(booking=proposed, actor=org.leader, reason="Bedre tid", slot_id=other.pk)
    same_as_before(org.member, proposed.slot.meeting.get_absolute_url(), language=language)
