"""The outbox's API (outbox/services.py): enqueue, claim, renew, finish, the bounded batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from outbox import families, services
from outbox.models import Email
from outbox.tasks import scan
from tests import factories
from tests.organisation.test_import import _enrol_mfa

pytestmark = pytest.mark.django_db

BUILT: list[int] = []


def build_hello(email: Email):
    BUILT.append(email.pk)
    if email.params.get("skip"):
        return "nothing to say"
    if email.params.get("boom"):
        raise RuntimeError("template broke")
    return EmailMessage(subject=f"Hej {email.params['n']}", body="Hej.")


families.register("tests.hello", build_hello)


def hello(n: int, **extra) -> Email | None:
    return services.enqueue(
        family="tests.hello", key=f"tests.hello:{n}", recipient=f"p{n}@test.example", params={"n": n, **extra}
    )


def test_enqueue_is_idempotent_by_key_and_sends_once_after_commit(django_capture_on_commit_callbacks):
    person = factories.UserFactory(email="anna@test.example")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enqueue(family="tests.hello", key="k1", recipient=person, params={"n": 1})
        again = services.enqueue(family="tests.hello", key="k1", recipient=person, params={"n": 1})
    assert first is not None and again is None
    assert Email.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["anna@test.example"]]
    row = Email.objects.get()
    assert row.outcome == "sent" and row.sent_at is not None and row.attempts == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<tests.hello-{row.pk}@")
    # A second batch finds nothing to do.
    assert services.send_batch().counts == {}
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_enqueues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        hello(1)
        raise RuntimeError
    assert not Email.objects.exists()


def test_an_unknown_family_is_refused_in_the_caller():
    with pytest.raises(LookupError):
        services.enqueue(family="tests.nobody", key="x", recipient="a@test.example", params={})


def test_a_claim_is_exclusive_until_it_expires():
    hello(1)
    hello(2)
    token, rows = services.claim_batch(limit=10, seconds=60)
    assert len(rows) == 2 and all(r.claim_token == token for r in rows)
    assert services.claim_batch(limit=10)[1] == []
    # A worker that died: nobody renews, the claim runs out, the next batch takes the rows.
    Email.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    token2, again = services.claim_batch(limit=10)
    assert {r.pk for r in again} == {r.pk for r in rows}
    # The dead batch's token no longer finishes anything, nor renews anything.
    assert services.finish(rows[0], token=token, outcome="sent") is False
    assert services.renew(token) == set()
    assert services.renew(token2) == {r.pk for r in rows}


def test_renewing_keeps_a_live_claim_from_expiring():
    hello(1)
    token, _rows = services.claim_batch(limit=10, seconds=1)
    before = Email.objects.get().claimed_until
    services.renew(token, seconds=60)
    assert Email.objects.get().claimed_until > before + dt.timedelta(seconds=50)


def test_a_failed_send_waits_with_backoff_and_fails_for_good_after_the_last_attempt(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    hello(1, boom=True)
    assert services.send_batch().counts == {"failed": 1}
    row = Email.objects.get()
    assert row.outcome == "pending" and row.claimed_until is None and "template broke" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert services.send_batch().counts == {}  # not before the backoff has passed
    Email.objects.update(next_attempt_at=timezone.now())
    services.send_batch()
    row.refresh_from_db()
    assert row.outcome == "failed" and row.attempts == 2
    assert mail.outbox == []


def test_a_builder_that_says_no_marks_the_row_skipped_with_its_reason():
    hello(1, skip=True)
    assert services.send_batch().counts == {"skipped": 1}
    row = Email.objects.get()
    assert (row.outcome, row.last_error, row.sent_at) == ("skipped", "nothing to say", None)
    assert mail.outbox == []


def test_an_email_due_later_waits_until_it_is_due():
    services.enqueue(
        family="tests.hello",
        key="later",
        recipient="a@test.example",
        params={"n": 1},
        due_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert services.send_batch().counts == {}
    Email.objects.update(next_attempt_at=timezone.now())
    assert services.send_batch().counts == {"sent": 1}


def test_a_batch_is_bounded_in_size_and_says_there_is_more(settings):
    for n in range(5):
        hello(n)
    result = services.send_batch(size=3)
    assert result.counts == {"sent": 3} and result.more
    assert services.send_batch(size=3).counts == {"sent": 2}
    assert len(mail.outbox) == 5 and len({m.subject for m in mail.outbox}) == 5


def test_a_batch_is_bounded_in_time_and_gives_back_what_it_did_not_send(settings):
    for n in range(3):
        hello(n)
    result = services.send_batch(seconds=0)
    assert result.counts == {} and result.more
    assert not Email.objects.exclude(claim_token="").filter(outcome="pending", claimed_until__gt=timezone.now())


def test_the_scan_queues_a_batch_for_what_is_waiting(settings):
    # Eager Celery in tests: the queued batch runs at once.
    for n in range(3):
        hello(n)
    assert scan() == 3
    assert len(mail.outbox) == 3
    assert scan() == 0


def test_enqueue_many_skips_existing_keys():
    hello(1)
    offered = services.enqueue_many(
        dict(family="tests.hello", key=f"tests.hello:{n}", recipient=f"p{n}@test.example", params={"n": n})
        for n in range(4)
    )
    assert offered == 4 and Email.objects.count() == 4


def test_administrators_read_the_outbox_and_cannot_change_it(org, client_for):
    hello(1)
    _enrol_mfa(org.admin)
    client = client_for(org.admin)
    assert client.get("/admin/outbox/email/").status_code == 200
    row = Email.objects.get()
    assert client.get(f"/admin/outbox/email/{row.pk}/change/").status_code == 200
    assert client.get("/admin/outbox/email/add/").status_code == 403
    assert client.post(f"/admin/outbox/email/{row.pk}/delete/").status_code == 403
    assert client_for(org.leader).get("/admin/outbox/email/").status_code in (302, 403, 404)
