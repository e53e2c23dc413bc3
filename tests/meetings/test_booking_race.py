"""Simultaneous bookings on PostgreSQL: the database, not Python, keeps the promises.

SQLite serialises writers (one write transaction at a time), so these races only show on
PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from meetings.models import Booking, Meeting, Participant
from meetings.visits import services as visit_services
from organisation.models import Role
from tests import factories
from tests.conftest import require
from tests.meetings import helpers

THREADS = 20


@pytest.fixture
def pg_org(transactional_db):
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")
    return factories.build_org()


def _run_together(jobs):
    """Start one thread per job, release them all at once, collect their results."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _members(org, count):
    people = []
    for n in range(count):
        person = factories.UserFactory(email=f"racer{n}@test.example")
        factories.grant(person, Role.COMMITTEE_MEMBER, committee=org.committee)
        people.append(person)
    return people


def test_twenty_simultaneous_requests_for_one_seat_give_one_booking_and_nineteen_taken_answers(pg_org):
    slot = helpers.slot(pg_org, capacity=1)
    members = _members(pg_org, THREADS)
    clients = []
    for member in members:
        client = Client()
        client.force_login(member)
        clients.append(client)
    url = f"/moeder/besoeg/{slot.pk}/book/"

    responses = _run_together([lambda c=c: c.post(url, {"reason": ""}) for c in clients])

    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [302] + [409] * (THREADS - 1), statuses
    assert Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).count() == 1
    taken = [r for r in responses if r.status_code == 409]
    assert all("taken by someone else" in r.content.decode() or "optaget" in r.content.decode() for r in taken)
    # One visit meeting for the slot: the leader organises, the winner takes part.
    meeting = Meeting.objects.get(visit_slot=slot)
    assert Participant.objects.filter(meeting=meeting, role="politician").count() == 1


def test_twenty_simultaneous_requests_through_the_service_never_overbook_a_two_seat_time(pg_org):
    slot = helpers.slot(pg_org, capacity=2)
    members = _members(pg_org, THREADS)

    results = _run_together([lambda m=m: visit_services.visit_book(slot_id=slot.pk, member=m) for m in members])

    booked = [r for r in results if isinstance(r, Booking)]
    taken = [r for r in results if isinstance(r, visit_services.SlotTaken)]
    assert len(booked) == 2 and len(taken) == THREADS - 2, results
    assert Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).count() == 2


def test_a_member_cannot_double_book_two_overlapping_times_even_at_once(pg_org):
    other = factories.WorkplaceFactory(committees=[pg_org.committee], centre=pg_org.centre)
    first = helpers.slot(pg_org, capacity=5, hour=10)
    # 10:00–11:00 and 10:30–11:30 at two workplaces.
    second = helpers.slot(pg_org, capacity=5, hour=10, workplace=other)
    half_hour = (first.ends_at - first.starts_at) / 2
    second.starts_at += half_hour
    second.ends_at += half_hour
    second.save()
    member = pg_org.member

    jobs = [
        (lambda s=(first if n % 2 else second): visit_services.visit_book(slot_id=s.pk, member=member))
        for n in range(THREADS)
    ]
    results = _run_together(jobs)

    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert Booking.objects.filter(member=member, status=Booking.Status.BOOKED).count() == 1
    refused = [r for r in results if not isinstance(r, Booking)]
    assert all(type(r).__name__ == "ValidationError" for r in refused), refused
