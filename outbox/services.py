"""The one outbox's API: enqueue an email, claim a batch, finish each row.

The guarantee (README, "Outgoing email"):

1. `enqueue` writes the row inside the caller's transaction under a unique `key`: a
   rolled-back change sends nothing, and the same event for the same person is one row.
2. A batch claims rows with one conditional UPDATE (pending, due, no live claim) that sets
   `claimed_until` and a fresh `claim_token`; only one batch gets a row. The batch renews
   its claim while it runs and stops after OUTBOX_BATCH_SECONDS, so a live claim never
   expires and a batch never meets Celery's time limit.
3. Right after the SMTP server accepted the email (250), `sent_at` and `outcome='sent'` are
   written. A failed send releases the claim with exponential backoff; after
   OUTBOX_MAX_ATTEMPTS the row is marked failed (and logged), never dropped silently.
4. A worker killed mid-batch leaves claims that nobody renews: they expire after
   OUTBOX_CLAIM_SECONDS and the next scan (every OUTBOX_SCAN_SECONDS) queues a batch that
   takes them. The one window for a duplicate is a kill between the SMTP server's 250 and
   the UPDATE of `sent_at` a millisecond later; the Message-ID is derived from the row, so
   even that copy is recognisably the same message.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import families
from .models import Email

logger = logging.getLogger(__name__)
PENDING, SENT, FAILED, SKIPPED = (
    Email.Outcome.PENDING,
    Email.Outcome.SENT,
    Email.Outcome.FAILED,
    Email.Outcome.SKIPPED,
)


# --- Writing rows -----------------------------------------------------------------------


def _row(*, family: str, key: str, recipient, params: dict, due_at=None, topic: str = "") -> Email:
    due_at = due_at or timezone.now()
    if isinstance(recipient, str):
        person_id, address = None, recipient
    elif isinstance(recipient, int):
        person_id, address = recipient, ""  # the address is read at send time
    else:
        person_id, address = recipient.pk, recipient.email or ""
    return Email(
        key=key[:200],
        family=family,
        topic=topic,
        recipient_id=person_id,
        to_address=address,
        params=params,
        due_at=due_at,
        next_attempt_at=due_at,
    )


def kick() -> None:
    """Queue a batch once the current transaction commits. Robust: with the broker down the
    change still stands and the row waits for the beat's scan."""
    from .tasks import send_batch

    transaction.on_commit(partial(send_batch.delay), robust=True)


def enqueue(
    *, family: str, key: str, recipient, params: dict, due_at: dt.datetime | None = None, topic: str = ""
) -> Email | None:
    """Record one email to `recipient` (a User, a user id or an address) for `family`.

    Idempotent by `key`: returns the new row, or None when the key exists already. The
    email goes after the caller's transaction commits (or at `due_at`, by the scan).
    """
    families.builder(family)  # an unknown family fails here, in the caller, not in a worker
    row = _row(family=family, key=key, recipient=recipient, params=params, due_at=due_at, topic=topic)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if not Email.objects.filter(key=row.key).exists():
            raise
        return None
    if row.next_attempt_at <= timezone.now():
        kick()
    return row


def enqueue_many(rows: Iterable[dict], *, chunk: int = 2000) -> int:
    """`enqueue` for many rows at once (a codex round of 60,000 people): bulk inserts that
    skip existing keys. Returns how many rows were offered."""
    offered = 0
    batch: list[Email] = []
    seen_family: set[str] = set()
    for values in rows:
        if values["family"] not in seen_family:
            families.builder(values["family"])
            seen_family.add(values["family"])
        batch.append(_row(**values))
        if len(batch) >= chunk:
            Email.objects.bulk_create(batch, ignore_conflicts=True)
            offered += len(batch)
            batch = []
    if batch:
        Email.objects.bulk_create(batch, ignore_conflicts=True)
        offered += len(batch)
    if offered:
        kick()
    return offered


# --- Claiming and finishing -------------------------------------------------------------


def claim_seconds() -> float:
    return float(settings.OUTBOX_CLAIM_SECONDS)


def claimable(now: dt.datetime | None = None) -> QuerySet[Email]:
    """Rows that may be sent now: pending, due (and past any backoff), no live claim."""
    now = now or timezone.now()
    return Email.objects.filter(outcome=PENDING, next_attempt_at__lte=now).filter(
        Q(claimed_until=None) | Q(claimed_until__lt=now)
    )


def claim_batch(*, limit: int, seconds: float | None = None) -> tuple[str, list[Email]]:
    """Claim up to `limit` rows for `seconds` (OUTBOX_CLAIM_SECONDS); returns the claim's
    token and the rows (recipient loaded). Rows another batch holds are skipped, not waited for."""
    seconds = claim_seconds() if seconds is None else seconds
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        # SKIP LOCKED on PostgreSQL: concurrent batches take different rows at once.
        ids = list(
            claimable(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return token, []
        # The condition is checked again by the UPDATE itself: this is what makes a claim exclusive.
        claimable(now).filter(pk__in=ids).update(
            claimed_until=now + dt.timedelta(seconds=seconds), claim_token=token, attempts=F("attempts") + 1
        )
    rows = list(Email.objects.filter(claim_token=token, outcome=PENDING).select_related("recipient").order_by("pk"))
    return token, rows


def renew(token: str, seconds: float | None = None) -> set[int]:
    """Extend a live claim; returns the ids still held (a row someone else took is not)."""
    seconds = claim_seconds() if seconds is None else seconds
    held = Email.objects.filter(claim_token=token, outcome=PENDING)
    held.update(claimed_until=timezone.now() + dt.timedelta(seconds=seconds))
    return set(held.values_list("pk", flat=True))


def release(token: str) -> int:
    """Give back what a batch claimed and did not send (its time is up)."""
    return Email.objects.filter(claim_token=token, outcome=PENDING).update(
        claimed_until=None, claim_token="", attempts=F("attempts") - 1
    )


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def finish(email: Email, *, token: str, outcome: str, error: str = "") -> bool:
    """Record the outcome of a claimed row. `outcome='failed'` retries with backoff until
    OUTBOX_MAX_ATTEMPTS, then fails for good. Returns False when the claim was not ours."""
    now = timezone.now()
    mine = Email.objects.filter(pk=email.pk, claim_token=token, outcome=PENDING)
    if outcome == FAILED and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        logger.warning("outbox %s failed (attempt %s), retrying later: %s", email.key, email.attempts, error)
        return bool(
            mine.update(claimed_until=None, next_attempt_at=now + backoff(email.attempts), last_error=error[:500])
        )
    if outcome == FAILED:
        logger.error("outbox %s: giving up after %s attempts: %s", email.key, email.attempts, error)
    values: dict = {"outcome": outcome, "last_error": error[:500], "claimed_until": None}
    if outcome == SENT:
        values["sent_at"] = now
    return bool(mine.update(**values))


def message_id(email: Email) -> str:
    """Derived from the row: a copy sent in the one duplicate window has the same Message-ID."""
    domain = urlparse(settings.SITE_URL).hostname or "samspil"
    return f"<{email.family}-{email.pk}@{domain}>"


# --- Sending a batch --------------------------------------------------------------------


@dataclass
class BatchResult:
    counts: dict[str, int] = field(default_factory=dict)
    more: bool = False  # stopped by its size or time bound with rows still waiting

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def _send(email: Email, connection) -> tuple[str, str]:
    """Build and send one claimed row; returns (outcome, error or skip reason)."""
    try:
        message = families.builder(email.family)(email)
        if isinstance(message, str):
            return SKIPPED, message
        if not email.address:
            return SKIPPED, "no email address"
        delay = settings.OUTBOX_SEND_DELAY_SECONDS
        if delay:
            # Tests only: a slow send, so a test can kill the worker mid-batch.
            time.sleep(delay)
        message.to = [email.address]
        message.extra_headers["Message-ID"] = message_id(email)
        # One SMTP session per batch: open() is a no-op while the connection is open.
        connection.open()
        message.connection = connection
        message.send()
    except Exception as exc:  # the SMTP server, the template, the network …
        return FAILED, f"{type(exc).__name__}: {exc}"
    return SENT, ""


def send_batch(*, size: int | None = None, seconds: float | None = None) -> BatchResult:
    """Claim and send due rows over one SMTP connection, in chunks, until `size` emails
    (OUTBOX_BATCH_SIZE) or `seconds` (OUTBOX_BATCH_SECONDS) are used up or nothing is due.

    Each chunk's claim is renewed while it is sent, so it never expires under a live
    sender; a chunk not finished when time is up is released for the next batch.
    """
    size = settings.OUTBOX_BATCH_SIZE if size is None else size
    seconds = settings.OUTBOX_BATCH_SECONDS if seconds is None else seconds
    chunk = max(1, min(settings.OUTBOX_CLAIM_CHUNK, size))
    renew_every = claim_seconds() / 3
    started = time.monotonic()
    result = BatchResult()
    connection = get_connection()
    done = 0
    stop = False
    try:
        while done < size and not stop:
            if time.monotonic() - started >= seconds:
                result.more = True
                break
            token, rows = claim_batch(limit=min(chunk, size - done))
            if not rows:
                break
            renewed = time.monotonic()
            held = {row.pk for row in rows}
            for email in rows:
                now = time.monotonic()
                if now - started >= seconds:
                    release(token)
                    result.more = stop = True
                    break
                if now - renewed >= renew_every:
                    held = renew(token)
                    renewed = now
                if email.pk not in held:
                    continue  # our claim lapsed and another batch has it
                done += 1
                outcome, error = _send(email, connection)
                if outcome == FAILED:
                    # The session may be half-way through a command: the next email opens a new one.
                    connection.close()
                finish(email, token=token, outcome=outcome, error=error)
                result.add(outcome)
        if done >= size:
            result.more = claimable().exists()
    finally:
        connection.close()
    return result


def waiting(now: dt.datetime | None = None, *, cap: int = 100_000) -> int:
    """How many rows may be sent now (counted up to `cap`)."""
    return claimable(now).values("pk")[:cap].count()
