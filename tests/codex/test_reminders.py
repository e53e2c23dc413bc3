"""Re-signing reminders: publishing only records the publication and queues one fan-out;
real Celery workers create the outbox in bulk and send each email exactly once per
person and round, even when the same work is queued twice."""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from codex import services
from codex.models import CodeVersion, ReminderEmail, ReminderRound
from codex.tasks import fan_out_reminders, send_reminder_batch
from organisation.models import Membership, Role
from tests.conftest import redis_available, require
from tests.factories import build_org

from .helpers import enrol_totp, publish_version, sign

User = get_user_model()


def add_employees(workplace, count: int, prefix: str = "staff") -> list:
    people = User.objects.bulk_create(
        User(email=f"{prefix}{i}@test.example", full_name=f"Medarbejder {i}", password="!") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(person=p, role=Role.EMPLOYEE, workplace=workplace, starts_on=timezone.localdate()) for p in people
    )
    return people


def wait_until(condition, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def recipients(inbox) -> Counter:
    return Counter(address for message in inbox.messages for address in message["to"])


@pytest.mark.worker
def test_reminders_are_sent_by_workers_exactly_once_per_person_and_round(celery_worker_process, smtp_server):
    org = build_org()
    add_employees(org.workplace, 300)
    celery_worker_process(concurrency=2)

    version = publish_version(org.admin)  # queues round 0's fan-out after the commit
    concerned = 300 + 10  # the 300 employees and everyone in the org with a role
    assert wait_until(lambda: len(smtp_server.messages) >= concerned), len(smtp_server.messages)
    first = ReminderRound.objects.get(version=version, number=0)
    assert first.recipients == concerned
    assert wait_until(lambda: not ReminderEmail.objects.filter(round=first, status="queued").exists())

    # The same round queued again, and every batch sent again: nothing goes out twice.
    ids = list(ReminderEmail.objects.filter(round=first).values_list("pk", flat=True))
    fan_out_reminders.delay(first.pk)
    send_reminder_batch.delay(ids)
    send_reminder_batch.delay(ids[:50])
    time.sleep(5)
    sent = recipients(smtp_server)
    assert len(sent) == concerned and set(sent.values()) == {1}
    assert ReminderEmail.objects.filter(round=first, status="sent").count() == concerned
    message = smtp_server.messages[0]["message"]
    assert "kodeks" in message.get_body(("plain",)).get_content()

    # One interval later, the beat task's question starts round 1 for those not signed.
    sign(org.member, version)
    later = timezone.now() + settings.CODEX_REMINDER_INTERVAL + timezone.timedelta(minutes=1)
    [round_id] = services.reminder_rounds_due(now=later)
    assert services.reminder_rounds_due(now=later) == []  # a second beat starts nothing
    fan_out_reminders.delay(round_id)
    fan_out_reminders.delay(round_id)
    assert wait_until(lambda: len(smtp_server.messages) >= 2 * concerned - 1)
    time.sleep(3)
    sent = recipients(smtp_server)
    assert sent[org.member.email] == 1  # signed before round 1: no second email
    assert Counter(sent.values()) == {2: concerned - 1, 1: 1}


@pytest.mark.postgres
def test_publishing_to_60000_people_answers_in_under_a_second(transactional_db, postgres, client_for):
    """Figures for the closing note are printed (run with -s to see them)."""
    require(redis_available(), "needs Redis: the request queues the fan-out on the real broker")
    from samspil.celery import app as celery_app

    org = build_org()
    started = time.perf_counter()
    people = User.objects.bulk_create(
        (User(email=f"p{i}@big.example", full_name=f"Person {i}", password="!") for i in range(60_000)),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(person=p, role=Role.EMPLOYEE, workplace=org.workplace, starts_on=timezone.localdate())
            for p in people
        ),
        batch_size=5000,
    )
    setup_seconds = time.perf_counter() - started
    draft = services.version_create_draft(created_by=org.admin, title="Kodeks", preamble="Vi mødes med tillid.")
    from codex.models import CodePoint

    CodePoint.objects.create(version=draft, kind="duty", position=1, title="Sandhed", explanation="Sandt.")
    enrol_totp(org.admin)
    client = client_for(org.admin)

    queue = f"test-60k-{os.getpid()}-{time.monotonic_ns()}"
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        started = time.perf_counter()
        response = client.post(reverse("codex:version_publish", args=[draft.pk]))
        request_seconds = time.perf_counter() - started
    finally:
        celery_app.conf.update(saved)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)
    assert response.status_code == 302
    assert CodeVersion.objects.get(pk=draft.pk).published_at is not None
    assert request_seconds < 1.0, request_seconds

    # What the worker then does, measured here in-process: the bulk outbox for everyone.
    first = ReminderRound.objects.get(version=draft, number=0)
    started = time.perf_counter()
    batches = services.reminder_round_fan_out(round_id=first.pk)
    fan_out_seconds = time.perf_counter() - started
    assert ReminderEmail.objects.filter(round=first).count() == 60_000 + 10
    assert len(batches) == (60_010 + 499) // 500
    print(
        f"\n60k: setup {setup_seconds:.1f}s, publish request {request_seconds * 1000:.0f} ms, "
        f"fan-out {fan_out_seconds:.1f}s for {60_010} outbox rows in {len(batches)} batches"
    )


def test_an_email_a_dead_worker_claimed_is_sent_later_exactly_once(org, mailoutbox):
    version = publish_version(org.admin)
    reminder_round = ReminderRound.objects.create(version=version, number=1, created_at=timezone.now())
    services.reminder_round_fan_out(round_id=reminder_round.pk)
    long_ago = timezone.now() - services.STALE_CLAIM * 2
    ReminderRound.objects.filter(pk=reminder_round.pk).update(fanned_out_at=long_ago)
    emails = ReminderEmail.objects.filter(round=reminder_round)
    stranded = emails.first()
    # A worker claimed this one and died before sending it.
    ReminderEmail.objects.filter(pk=stranded.pk).update(claimed_at=long_ago)
    # The others were sent; the claim of a live worker (just now) is left alone.
    busy = emails.exclude(pk=stranded.pk).first()
    ReminderEmail.objects.filter(pk=busy.pk).update(claimed_at=timezone.now())
    emails.exclude(pk__in=[stranded.pk, busy.pk]).update(status=ReminderEmail.Status.SENT, sent_at=timezone.now())

    batches = services.reminder_emails_stranded()
    assert batches == [[stranded.pk]]
    assert services.reminder_batch_send(email_ids=batches[0]) == 1
    assert [m.to for m in mailoutbox] == [[stranded.person.email]]
    # A second beat finds nothing left to release or send.
    assert services.reminder_emails_stranded() == []
