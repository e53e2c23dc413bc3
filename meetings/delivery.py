"""Claiming, sending and retrying the emails recorded in meetings/models_calendar.py.

Exactly once, and never lost — how:

1. The row exists before any email goes, under a unique constraint: two beats, two scans
   or a retried task cannot make a second row for the same reminder or invitation.
2. A sender claims the row with one conditional UPDATE (`outcome=''` and no live claim).
   Only one of any number of concurrent deliveries of the same task gets the row.
3. Right after the SMTP server accepted the email, `sent_at` and `outcome='sent'` are
   written. A failed send releases the claim and sets `next_attempt_at` with exponential
   backoff; after `MEETING_MAIL_MAX_ATTEMPTS` the row is marked failed and logged as an
   error (visible in the admin), never dropped silently.
4. A worker killed mid-send leaves a claim without `sent_at`. Claims older than
   `MEETING_MAIL_CLAIM_TIMEOUT` (15 minutes by default: longer than Celery's hard time limit
   of 5 minutes, so no live sender can still hold it) are taken again by the next beat scan.
   The only window for a duplicate is a kill between the SMTP server's "250 OK" and the
   UPDATE of `sent_at` a millisecond later; the email's Message-ID is derived from the row,
   so even that copy is recognisably the same message.

Celery's redelivery (acks_late, reject_on_worker_lost) makes a killed batch resume quickly;
the beat scan makes it resume even when the broker lost the message.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def claim_timeout() -> dt.timedelta:
    return settings.MEETING_MAIL_CLAIM_TIMEOUT


def claimable(model, now: dt.datetime | None = None):
    """Rows waiting to be sent now: not finished, due (backoff), and not claimed by a live sender."""
    now = now or timezone.now()
    return model.objects.filter(outcome="", next_attempt_at__lte=now).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    )


def claim(model, pk: int) -> dt.datetime | None:
    """Take the row for sending; returns the claim time, or None if someone else has it or it is done."""
    now = timezone.now()
    if claimable(model, now).filter(pk=pk).update(claimed_at=now, attempts=F("attempts") + 1):
        return now
    return None


def finish(model, pk: int, *, claimed_at: dt.datetime, outcome: str, error: str = "") -> None:
    values = {"outcome": outcome, "last_error": error[:500]}
    if outcome == model.Outcome.SENT:
        values["sent_at"] = timezone.now()
    model.objects.filter(pk=pk, claimed_at=claimed_at).update(**values)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def release_after_failure(model, pk: int, *, claimed_at: dt.datetime, error: str) -> None:
    row = model.objects.filter(pk=pk).values("attempts").first()
    attempts = row["attempts"] if row else 0
    if attempts >= settings.MEETING_MAIL_MAX_ATTEMPTS:
        logger.error("Giving up %s %s after %s attempts: %s", model.__name__, pk, attempts, error)
        finish(model, pk, claimed_at=claimed_at, outcome=model.Outcome.FAILED, error=error)
        return
    logger.warning("%s %s failed (attempt %s), retrying later: %s", model.__name__, pk, attempts, error)
    model.objects.filter(pk=pk, claimed_at=claimed_at).update(
        claimed_at=None, next_attempt_at=timezone.now() + backoff(attempts), last_error=error[:500]
    )


def deliver(model, pk: int, build: Callable, *, connection=None, row=None) -> str:
    """Claim one row, build its email (or a reason not to send), send it, record the outcome.

    `build(row)` returns an EmailMessage, or a string saying why nothing needs sending.
    `connection`: an SMTP connection to send over (a batch shares one); `row`: the row
    already loaded (a batch loads its rows in one query), else it is read after the claim.
    """
    claimed_at = claim(model, pk)
    if claimed_at is None:
        return "not claimed"
    try:
        if row is None:
            row = model.objects.select_related("meeting", "person").get(pk=pk)
        message = build(row)
        if isinstance(message, str):
            finish(model, pk, claimed_at=claimed_at, outcome=model.Outcome.SKIPPED, error=message)
            return message
        delay = settings.OUTBOX_SEND_DELAY_SECONDS
        if delay:
            # Tests only: a slow send, so a test can kill the worker in the middle of a batch.
            time.sleep(delay)
        if connection is not None:
            connection.open()  # once per session: an open connection stays open
            message.connection = connection
        message.send()
    except Exception as exc:  # the SMTP server, the template, the network …
        release_after_failure(model, pk, claimed_at=claimed_at, error=f"{type(exc).__name__}: {exc}")
        if connection is not None:
            # The session may be half-way through a command: the next email opens a new one.
            connection.close()
        return "failed"
    finish(model, pk, claimed_at=claimed_at, outcome=model.Outcome.SENT)
    return "sent"


def deliver_batch(model, ids: list[int], prepare: Callable, *, chunk: int = 10) -> dict[str, int]:
    """Deliver a batch of rows over one SMTP session.

    `prepare(ids)` reads a chunk of rows and what building their emails needs in a few
    queries, and returns (pk → row, build). Each row is still claimed on its own right
    before its email is built and marked sent right after the server accepted it, so the
    exactly-once argument above holds per email; what the batch saves is the SMTP
    handshake per email and the reads per row. Chunks of ten keep what is read at most ten
    sends old (a fraction of a second), so a meeting moved or cancelled meanwhile is seen.
    The session opens on the first email that goes (a batch of skips opens none); after a
    failed send it is closed and the next email opens a fresh one.
    """
    counts: dict[str, int] = {}
    connection = get_connection()
    try:
        for start in range(0, len(ids), chunk):
            rows, build = prepare(ids[start : start + chunk])
            for pk, row in rows.items():
                result = deliver(model, pk, build, connection=connection, row=row)
                counts[result] = counts.get(result, 0) + 1
    finally:
        connection.close()
    return counts


def message_id(kind: str, pk: int) -> str:
    from urllib.parse import urlparse

    domain = urlparse(settings.SITE_URL).hostname or "samspil"
    return f"<{kind}-{pk}@{domain}>"
