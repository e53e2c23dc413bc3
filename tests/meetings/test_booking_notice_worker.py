"""Booking notices through a real Celery worker on Redis and a real SMTP server."""

from __future__ import annotations

import time

import pytest

from meetings import services
from meetings.models import MeetingLogEntry
from meetings.notifications import send_notice
from tests import factories
from tests.meetings import helpers

pytestmark = pytest.mark.worker


def test_the_leader_gets_one_email_per_booking_even_when_the_task_is_delivered_twice(
    celery_worker_process, smtp_server
):
    org = factories.build_org()
    helpers.kind()
    celery_worker_process()
    slot = helpers.slot(org, capacity=2)

    services.visit_book(slot_id=slot.pk, member=org.member, reason="Vil gerne se indskolingen")
    messages = smtp_server.wait_for(1, timeout=60)
    assert [m["to"] for m in messages] == [["leader@test.example"]]
    body = messages[0]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "Vil gerne se indskolingen" in body and "/moeder/virksomhed/egeskovskolen/besoegstider/" in body

    # A redelivered or duplicated task finds the notice claimed and sends nothing.
    entry = MeetingLogEntry.objects.get(action="booking.created")
    send_notice.delay(entry.pk)
    send_notice.delay(entry.pk)
    services.visit_book(slot_id=slot.pk, member=org.chair)
    messages = smtp_server.wait_for(2, timeout=60)
    time.sleep(2)  # room for a duplicate to arrive, if one were sent
    assert len(messages) == 2
    assert "Chair" in messages[1]["message"]["Subject"]
