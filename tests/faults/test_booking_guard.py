"""Issue 15, point 6: the database holds booking capacity and member overlap (meetings
0007), whatever writes the rows — not only the booking service's locks."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from meetings.models import Booking, VisitSlot
from meetings.visits import services as visit_services
from tests.factories import WorkplaceFactory
from tests.meetings import helpers


def _commit_checks() -> None:
    """Run the deferred constraint triggers now, as the commit would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_full_visit_time_refuses_a_booking_written_past_the_service(org, postgres):
    slot = helpers.slot(org, capacity=1)
    Booking.objects.create(slot=slot, member=org.member)
    with pytest.raises(IntegrityError, match="full"), transaction.atomic():
        Booking.objects.create(slot=slot, member=org.chair)
        _commit_checks()
    assert Booking.objects.filter(slot=slot).count() == 1


def test_a_member_cannot_hold_two_overlapping_visits_in_the_database(org, postgres):
    first = helpers.slot(org, hour=10)
    other = helpers.slot(org, hour=10, workplace=WorkplaceFactory())
    VisitSlot.objects.filter(pk=other.pk).update(starts_at=first.starts_at.replace(minute=30))
    Booking.objects.create(slot=first, member=org.member)
    with pytest.raises(IntegrityError, match="overlapping"), transaction.atomic():
        Booking.objects.create(slot=other, member=org.member)
        _commit_checks()


def test_a_cancelled_booking_frees_its_seat(org, postgres):
    slot = helpers.slot(org, capacity=1)
    Booking.objects.create(slot=slot, member=org.member, status=Booking.Status.CANCELLED)
    Booking.objects.create(slot=slot, member=org.chair)
    _commit_checks()


def test_capacity_cannot_be_lowered_below_the_active_bookings(org, postgres):
    slot = helpers.slot(org, capacity=2)
    Booking.objects.create(slot=slot, member=org.member)
    Booking.objects.create(slot=slot, member=org.chair)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitSlot.objects.filter(pk=slot.pk).update(capacity=1)
        _commit_checks()


@pytest.mark.django_db(transaction=True)
def test_the_service_still_books_and_moves_to_an_overlapping_time(org, postgres):
    """The guards are checked at the commit: a move creates the new booking before it
    marks the old one moved, and is not refused for overlapping itself."""
    first = helpers.slot(org, hour=10, capacity=1)
    later = helpers.slot(org, hour=10, capacity=1, workplace=WorkplaceFactory())
    VisitSlot.objects.filter(pk=later.pk).update(
        starts_at=first.starts_at.replace(minute=30), ends_at=first.ends_at.replace(minute=30)
    )
    booking = visit_services.visit_book(slot_id=first.pk, member=org.member)
    moved = visit_services.visit_move(booking=booking, new_slot_id=later.pk, actor=org.member, reason="Bedre tid")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.MOVED
    assert Booking.objects.get(pk=moved.pk).status == Booking.Status.BOOKED
