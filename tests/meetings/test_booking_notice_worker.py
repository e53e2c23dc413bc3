"""Booking notices through a real Celery worker on Redis and a real SMTP server."""

from __future__ import annotations

import time

import pytest

from meetings.visits import services as visit_services
from outbox.tasks import send_batch
from tests import factories
from tests.meetings import helpers

pytestmark = pytest.mark.worker


def notices(smtp_server, count: int) -> list:
    """The booking notices at the SMTP server, without the calendar invitations
    (tests/meetings/test_calendar.py), once `count` of them have arrived or 60 s passed."""

    def found() -> list:
        return [
            m
            for m in list(smtp_server.messages)
            if not any(p.get_content_type() == "application/ics" for p in m["message"].walk())
        ]

    deadline = time.monotonic() + 60
    while len(found()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found()


def test_the_leader_gets_one_email_per_booking_even_when_the_task_is_delivered_twice(
    celery_worker_process, smtp_server
):
    org = factories.build_org()
    helpers.kind()
    celery_worker_process()
    slot = helpers.slot(org, capacity=2)

    visit_services.visit_book(slot_id=slot.pk, member=org.member, reason="Vil gerne se indskolingen")
    messages = notices(smtp_server, 1)
    assert [m["to"] for m in messages] == [["leader@test.example"]]
    body = messages[0]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "Vil gerne se indskolingen" in body and "/moeder/virksomhed/egeskovskolen/besoegstider/" in body

    # Redelivered or duplicated batches find the notice sent and send nothing.
    send_batch.delay()
    send_batch.delay()
    visit_services.visit_book(slot_id=slot.pk, member=org.chair)
    notices(smtp_server, 2)
    time.sleep(2)  # room for a duplicate to arrive, if one were sent
    messages = notices(smtp_server, 2)
    assert len(messages) == 2
    assert "Chair" in messages[1]["message"]["Subject"]
