"""Booking as people who know Calendly and Outlook expect it (issue 16, point 3): the leader
confirms, declines or proposes another time, each with a reason, and the member is told;
the member books with a purpose, moves and cancels from the visit's own page; the move form
offers only times the member can take; the leader's calendar says who is coming."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from meetings.models import Booking, Meeting
from tests.meetings import helpers


def _member_mail(org) -> list:
    return [m for m in mail.outbox if m.to == [org.member.email]]


def _ics(message) -> str:
    parts = [c if isinstance(c, str) else c.decode() for c, mimetype in message.alternatives if "calendar" in mimetype]
    return re.sub(r"\r?\n[ \t]", "", "\n".join(parts))


def test_the_member_books_with_a_purpose_the_leader_reads_it_everywhere(
    org, client_for, django_capture_on_commit_callbacks
):
    slot = helpers.slot(org)
    member = client_for(org.member)
    # The Book button leads to the booking page, where the purpose is written.
    page = member.get(f"/moeder/besoeg/{slot.pk}/book/")
    assert 'name="purpose"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(f"/moeder/besoeg/{slot.pk}/book/", {"purpose": "Se læsebåndet i 2. klasse"})
    assert response.status_code == 302
    booking = Booking.objects.get(slot=slot)
    assert booking.purpose == "Se læsebåndet i 2. klasse"
    leader_mail = [m for m in mail.outbox if m.to == [org.leader.email]]
    notice = next(m for m in leader_mail if "book" in m.subject.lower())
    assert "Se læsebåndet i 2. klasse" in notice.body
    # The calendar event the leader gets names the member in its title and carries the purpose.
    invitation = next(m for m in leader_mail if "BEGIN:VCALENDAR" in _ics(m))
    ics = _ics(invitation)
    assert f"SUMMARY:Besøg: {org.member.full_name}" in ics
    assert "Se læsebåndet i 2. klasse" in ics
    # The member's own event names the workplace, not themselves.
    member_invitation = next(m for m in _member_mail(org) if "BEGIN:VCALENDAR" in _ics(m))
    assert "SUMMARY:Besøg: Member" not in _ics(member_invitation)
    # The meeting page shows the purpose to the leader.
    meeting = Meeting.objects.get(visit_slot=slot)
    assert "Se læsebåndet i 2. klasse" in client_for(org.leader).get(meeting.get_absolute_url()).content.decode()


def test_the_leader_declines_with_a_reason_and_the_member_gets_a_cancel(
    org, client_for, django_capture_on_commit_callbacks
):
    booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    leader = client_for(org.leader)
    assert leader.get(f"/moeder/bookinger/{booking.pk}/afvis/").status_code == 200
    # A reason is required.
    assert leader.post(f"/moeder/bookinger/{booking.pk}/afvis/", {"reason": ""}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(f"/moeder/bookinger/{booking.pk}/afvis/", {"reason": "Skolen har temadag"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "declined" and booking.reason == "Skolen har temadag"
    messages = _member_mail(org)
    notice = next(m for m in messages if "Skolen har temadag" in m.body)
    assert "METHOD:CANCEL" in "".join(_ics(m) for m in messages)
    # The member's links work: the visit's page says it was declined and why.
    member = client_for(org.member)
    for link in re.findall(r"https?://\S+", notice.body):
        assert member.get(link.split("8000", 1)[-1] if "8000" in link else link).status_code == 200
    page = member.get(meeting.get_absolute_url()).content.decode()
    assert "Skolen har temadag" in page


def test_the_leader_proposes_another_time_and_the_member_accepts_it(
    org, client_for, django_capture_on_commit_callbacks
):
    booking = helpers.booking(org)
    other = helpers.slot(org, days=11, hour=13)
    leader = client_for(org.leader)
    page = leader.get(f"/moeder/bookinger/{booking.pk}/foreslaa/").content.decode()
    assert f'value="{other.pk}"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            f"/moeder/bookinger/{booking.pk}/foreslaa/", {"slot": other.pk, "reason": "Klassen er på tur"}
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "proposed" and booking.proposed_slot == other
    notice = next(m for m in _member_mail(org) if "Klassen er på tur" in m.body)
    proposal_url = f"/moeder/bookinger/{booking.pk}/forslag/"
    assert proposal_url in notice.body
    member = client_for(org.member)
    assert member.get(proposal_url).status_code == 200
    # Someone else cannot take the proposed seat meanwhile (capacity 1).
    assert (
        "Klassen er på tur"
        in member.get(Meeting.objects.get(visit_slot=booking.slot).get_absolute_url()).content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(proposal_url, {"answer": "accept"})
    assert response.status_code == 302
    new = Booking.objects.get(member=org.member, status="booked")
    assert new.slot == other and new.confirmed_at is not None  # the leader's own proposal
    assert response["Location"] == Meeting.objects.get(visit_slot=other).get_absolute_url()
    # The leader is told; the member's calendar gets the new time.
    assert any(m.to == [org.leader.email] and "tog imod" in m.subject for m in mail.outbox)
    assert any("METHOD:REQUEST" in _ics(m) for m in _member_mail(org))


def test_the_member_declines_a_proposal_and_the_leader_is_told(org, client_for, django_capture_on_commit_callbacks):
    booking = helpers.booking(org)
    other = helpers.slot(org, days=11, hour=13)
    client_for(org.leader).post(f"/moeder/bookinger/{booking.pk}/foreslaa/", {"slot": other.pk, "reason": "Tur"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org.member).post(
            f"/moeder/bookinger/{booking.pk}/forslag/", {"answer": "decline", "reason": "Passer ikke"}
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert any(m.to == [org.leader.email] and "Passer ikke" in m.body for m in mail.outbox)
    # The proposed seat is free again.
    assert str(other.pk) in client_for(org.chair).get("/moeder/besoeg/").content.decode()


def test_the_leader_proposes_a_new_time_of_their_own(org, client_for):
    booking = helpers.booking(org)
    day = helpers.at(15).date()
    response = client_for(org.leader).post(
        f"/moeder/bookinger/{booking.pk}/foreslaa/",
        {"date": day.isoformat(), "start": "13:00", "end": "14:00", "reason": "Bedre om eftermiddagen"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "proposed"
    assert booking.proposed_slot.workplace == org.workplace
    assert booking.proposed_slot.starts_at == helpers.at(15, 13)


def test_the_member_moves_and_cancels_from_the_visits_own_page(org, client_for):
    booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    page = client_for(org.member).get(meeting.get_absolute_url()).content.decode()
    assert f"/moeder/bookinger/{booking.pk}/flyt/" in page
    assert f"/moeder/bookinger/{booking.pk}/aflys/" in page
    # Not for the leader or another member of the visit.
    leader_page = client_for(org.leader).get(meeting.get_absolute_url()).content.decode()
    assert f"/moeder/bookinger/{booking.pk}/flyt/" not in leader_page
    assert f"/moeder/bookinger/{booking.pk}/afvis/" in leader_page
    assert f"/moeder/bookinger/{booking.pk}/foreslaa/" in leader_page


def test_the_move_form_offers_no_time_the_member_holds_or_that_overlaps_one(org, client_for):
    import datetime as dt

    from meetings.models import VisitSlot

    booking = helpers.booking(org, days=10, hour=9)
    # The member's other visit at the same workplace, a time with a seat left.
    held = helpers.booking(org, days=12, hour=9, capacity=2)
    overlapping = VisitSlot.objects.create(
        workplace=org.workplace,
        starts_at=helpers.at(12, 9, 30),
        ends_at=helpers.at(12, 10, 30),
        min_notice_hours=24,
        created_by=org.leader,
    )
    free = helpers.slot(org, days=14, hour=9)
    after = helpers.slot(org, days=12, hour=10)  # starts when the other visit ends: fine
    assert after.starts_at == held.slot.ends_at and overlapping.ends_at - overlapping.starts_at == dt.timedelta(hours=1)
    page = client_for(org.member).get(f"/moeder/bookinger/{booking.pk}/flyt/").content.decode()
    options = set(re.findall(r'<option value="(\d+)"', page))
    assert {str(free.pk), str(after.pk)} <= options
    assert str(held.slot_id) not in options
    assert str(overlapping.pk) not in options
    assert str(booking.slot_id) not in options


def test_a_declined_booking_cannot_be_confirmed_afterwards(org, client_for):
    booking = helpers.booking(org)
    client_for(org.leader).post(f"/moeder/bookinger/{booking.pk}/afvis/", {"reason": "Nej"})
    client_for(org.leader).post(f"/moeder/bookinger/{booking.pk}/bekraeft/")
    booking.refresh_from_db()
    assert booking.status == "declined" and booking.confirmed_at is None


@pytest.mark.parametrize("role", ["member", "chair", "employee", "other_leader"])
def test_only_the_leader_and_administrators_answer_a_booking(org, client_for, role):
    booking = helpers.booking(org)
    response = client_for(getattr(org, role)).post(f"/moeder/bookinger/{booking.pk}/afvis/", {"reason": "Nej"})
    assert response.status_code in (403, 404)
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_the_leaders_feed_and_download_name_who_is_coming_the_members_name_the_workplace(org, client_for, client):
    from django.urls import reverse

    from meetings.calendars import selectors as calendar_selectors
    from meetings.calendars import services as calendar_services

    booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    coming = f"SUMMARY:Besøg: {org.member.full_name}"

    def feed(person) -> str:
        token = calendar_selectors.feed_token(calendar_services.feed_renew(person=person))
        return client.get(reverse("meetings:calendar_feed", args=[token])).content.decode()

    def download(person) -> str:
        return client_for(person).get(reverse("meetings:meeting_ics", args=[meeting.pk])).content.decode()

    assert coming in feed(org.leader) and coming in download(org.leader)
    assert coming not in feed(org.member) and coming not in download(org.member)
    assert f"SUMMARY:{meeting.title}" in download(org.member).replace("\r\n ", "")
