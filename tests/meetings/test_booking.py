"""Committee members book, cancel and move visits; the leader is told and confirms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services
from meetings.models import Booking, Meeting, MeetingLogEntry, Participant
from meetings.visits import services as visit_services
from meetings.visits.notifications import enqueue_notice
from outbox.models import Email
from outbox.tasks import send_batch
from tests.meetings import helpers


def notices() -> list:
    """The booking notices sent, without the calendar invitations (tests/meetings/test_calendar.py);
    the confirmation carries the updated event but is a notice."""
    return [m for m in mail.outbox if not m.extra_headers.get("Message-ID", "").startswith("<meetings.calendar-")]


def test_a_member_books_a_visit_and_it_becomes_a_workplace_visit_meeting(org, client_for):
    slot = helpers.slot(org, capacity=2)
    response = client_for(org.member).post(f"/moeder/besoeg/{slot.pk}/book/", {"reason": "Vil se indskolingen"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(visit_slot=slot)
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.kind.slug == "visit" and meeting.host == org.workplace and meeting.organiser == org.leader
    roles = dict(Participant.objects.filter(meeting=meeting).values_list("person__email", "role"))
    assert roles == {"leader@test.example": "organiser", "member@test.example": "politician"}
    # A second member joins the same meeting.
    visit_services.visit_book(slot_id=slot.pk, member=org.chair)
    assert Meeting.objects.filter(visit_slot=slot).count() == 1
    assert Participant.objects.filter(meeting=meeting, role="politician").count() == 2


def test_the_leader_is_emailed_about_a_booking_once(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = helpers.booking(org)
    entry = MeetingLogEntry.objects.get(action="booking.created", booking=booking)
    # Eager Celery in tests: the task ran when the booking committed, not before.
    assert [m.to for m in notices()] == [["leader@test.example"]]
    assert "Member" in notices()[0].subject
    # The same event enqueued again, and a redelivered batch, send nothing more.
    enqueue_notice(entry)
    send_batch()
    assert len(notices()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_booking_email_goes_only_after_the_commit(org):
    helpers.booking(org)
    assert len(notices()) == 1
    assert Email.objects.get(family="meetings.booking").outcome == "sent"


def test_a_booking_inside_the_minimum_notice_gets_a_message_on_the_time(org, client_for):
    slot = helpers.slot(org, days=1, hour=20, min_notice_hours=72)
    response = client_for(org.member).post(f"/moeder/besoeg/{slot.pk}/book/", {"reason": "Kort varsel"})
    assert response.status_code == 400
    errors = response.context["form"].errors["slot"]
    assert any("72" in e for e in errors), errors
    assert "Kort varsel" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_taken_time_answers_clearly_and_offers_the_next_free_times(org, client_for):
    slot = helpers.slot(org, capacity=1)
    next_one = helpers.slot(org, days=12)
    visit_services.visit_book(slot_id=slot.pk, member=org.chair)
    response = client_for(org.member).post(f"/moeder/besoeg/{slot.pk}/book/")
    assert response.status_code == 409
    assert response.context["form"].errors["slot"]
    assert [s.pk for s in response.context["alternatives"]] == [next_one.pk]


def test_a_member_cannot_book_two_overlapping_visits(org):
    from tests import factories

    other = factories.WorkplaceFactory(committees=[org.committee])
    helpers.booking(org, hour=10)
    clash = helpers.slot(org, hour=10, workplace=other)
    with pytest.raises(services.ValidationError) as caught:
        visit_services.visit_book(slot_id=clash.pk, member=org.member)
    assert other.name not in str(caught.value) and org.workplace.name in str(caught.value)


def test_a_member_cancels_with_a_reason_and_the_visit_meeting_is_cancelled(
    org, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = helpers.booking(org)
    mail.outbox.clear()  # the booking's own notice
    client = client_for(org.member)
    response = client.post(f"/moeder/bookinger/{booking.pk}/aflys/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/moeder/bookinger/{booking.pk}/aflys/", {"reason": "Byrådsmøde flyttet"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.reason == "Byrådsmøde flyttet"
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    assert meeting.status == "cancelled" and meeting.sequence == 1
    assert [m.to for m in notices()] == [["leader@test.example"]]
    # The seat is free again.
    visit_services.visit_book(slot_id=booking.slot_id, member=org.chair)


def test_a_member_moves_a_visit_to_another_time(org, client_for):
    booking = helpers.booking(org)
    later = helpers.slot(org, days=15)
    response = client_for(org.member).post(
        f"/moeder/bookinger/{booking.pk}/flyt/", {"slot": later.pk, "reason": "Kan ikke den dag"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "moved" and booking.moved_to.slot == later
    assert Meeting.objects.get(visit_slot=booking.slot).status == "cancelled"
    assert Participant.objects.filter(meeting__visit_slot=later, person=org.member).exists()


def test_the_leader_confirms_a_booking_and_the_member_is_told(org, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = helpers.booking(org)
    mail.outbox.clear()  # the booking's own notice
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org.leader).post(f"/moeder/bookinger/{booking.pk}/bekraeft/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.confirmed_by == org.leader
    assert Meeting.objects.get(visit_slot=booking.slot).status == "confirmed"
    assert [m.to for m in notices()] == [["member@test.example"]]


def test_the_start_page_tells_the_leader_about_unconfirmed_bookings(org, client_for):
    helpers.booking(org)
    response = client_for(org.leader).get("/")
    assert "/moeder/virksomhed/egeskovskolen/besoegstider/" in response.content.decode()


def test_a_withdrawn_time_cannot_be_booked(org):
    slot = helpers.slot(org)
    visit_services.visit_slot_withdraw(slot=slot, actor=org.leader)
    with pytest.raises(services.ValidationError):
        visit_services.visit_book(slot_id=slot.pk, member=org.member)


def test_a_booked_time_cannot_be_withdrawn(org):
    booking = helpers.booking(org)
    with pytest.raises(services.ValidationError):
        visit_services.visit_slot_withdraw(slot=booking.slot, actor=org.leader)


def test_a_time_that_has_started_cannot_be_booked(org):
    slot = helpers.slot(org, min_notice_hours=0)
    slot.starts_at = timezone.now() - dt.timedelta(minutes=5)
    slot.save()
    with pytest.raises(services.ValidationError):
        visit_services.visit_book(slot_id=slot.pk, member=org.member)


def test_a_notice_that_could_not_be_sent_is_released_for_the_retry(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens here
    helpers.booking(org)
    send_batch()
    row = Email.objects.get(family="meetings.booking")
    assert row.outcome == "pending" and row.claimed_until is None and "Connection" in row.last_error
    assert row.next_attempt_at > timezone.now()  # backing off
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Email.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    send_batch()
    assert [m.to for m in notices()] == [["leader@test.example"]]


def test_the_next_free_times_offered_can_still_be_booked(org, client_for):
    slot = helpers.slot(org, capacity=1)
    helpers.slot(org, days=1, hour=20, min_notice_hours=72)  # too late to book
    later = helpers.slot(org, days=12)
    visit_services.visit_book(slot_id=slot.pk, member=org.chair)
    response = client_for(org.member).post(f"/moeder/besoeg/{slot.pk}/book/")
    assert [s.pk for s in response.context["alternatives"]] == [later.pk]


def test_a_booked_visit_meeting_keeps_the_time_of_its_visit_time(org):
    booking = helpers.booking(org)
    meeting = booking.slot.meeting
    with pytest.raises(services.ValidationError):
        services.meeting_update(
            meeting=meeting,
            actor=org.leader,
            starts_at=meeting.starts_at + dt.timedelta(hours=1),
            ends_at=meeting.ends_at + dt.timedelta(hours=1),
        )
    assert services.meeting_update(meeting=meeting, actor=org.leader, purpose="Rundvisning").purpose == "Rundvisning"


def test_the_free_times_can_be_narrowed_to_one_workplace(org, client_for):
    from django.urls import reverse

    from tests.factories import WorkplaceFactory

    other = WorkplaceFactory(name="Havbakkeskolen", slug="havbakkeskolen", committees=[org.committee])
    helpers.slot(org)
    helpers.slot(org, workplace=other)
    client = client_for(org.member)
    everything = client.get(reverse("meetings:visit_times"))
    assert {slot.workplace.slug for slot in everything.context["page"].object_list} == {
        "egeskovskolen",
        "havbakkeskolen",
    }
    one = client.get(reverse("meetings:visit_times"), {"workplace": "havbakkeskolen"})
    assert {slot.workplace.slug for slot in one.context["page"].object_list} == {"havbakkeskolen"}
