"""The leader's answers race on PostgreSQL: a decline and a confirmation of one booking
released together — one wins, the other is refused, and the booking is one or the other."""

from __future__ import annotations

import pytest
from django.db import connection

from meetings.models import Booking
from samspil.errors import ServiceError
from tests import factories
from tests.conftest import require
from tests.meetings import helpers
from tests.meetings.test_booking_race import _run_together


@pytest.fixture
def pg_org(transactional_db):
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")
    org = factories.build_org()
    helpers.kind()
    return org


@pytest.mark.parametrize("rounds", [5])
def test_decline_and_confirm_at_once_one_wins(pg_org, rounds):
    from meetings.visits import services as visits

    for n in range(rounds):
        booking = helpers.booking(pg_org, days=10 + n)

        def confirm(booking=booking):
            try:
                visits.visit_confirm(booking=Booking.objects.get(pk=booking.pk), actor=pg_org.leader)
            except ServiceError:
                return "refused"
            return "confirmed"

        def decline(booking=booking):
            try:
                visits.visit_decline(booking=Booking.objects.get(pk=booking.pk), actor=pg_org.admin, reason="Temadag")
            except ServiceError:
                return "refused"
            return "declined"

        results = _run_together([confirm, decline])
        assert sorted(results) in (["confirmed", "refused"], ["declined", "refused"]), results
        booking.refresh_from_db()
        if "confirmed" in results:
            assert booking.status == "booked" and booking.confirmed_at is not None
        else:
            assert booking.status == "declined" and booking.confirmed_at is None


def test_two_proposals_for_the_last_seat_one_wins(pg_org):
    """Two members' bookings, one free seat proposed to both at once: one proposal holds it."""
    from meetings.visits import services as visits

    first = helpers.booking(pg_org, days=10)
    second = helpers.booking(pg_org, days=10, hour=13, member=pg_org.chair)
    seat = helpers.slot(pg_org, days=11, capacity=1)

    def propose(booking):
        def run():
            try:
                visits.visit_propose(
                    booking=Booking.objects.get(pk=booking.pk), actor=pg_org.leader, reason="Tur", slot_id=seat.pk
                )
            except (ServiceError, visits.SlotTaken):
                return "refused"
            return "proposed"

        return run

    results = _run_together([propose(first), propose(second)])
    assert sorted(results) == ["proposed", "refused"], results
    assert Booking.objects.filter(status="proposed", proposed_slot=seat).count() == 1
