"""The outbox's two Celery tasks: the beat's scan and the batch."""

from __future__ import annotations

import logging
import math

from django.conf import settings

from samspil.celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    soft_time_limit=settings.OUTBOX_BATCH_SECONDS + 60,
    time_limit=settings.OUTBOX_BATCH_SECONDS + 90,
    # The batch claims its own rows: a lost or repeated message loses or repeats nothing.
    acks_late=True,
)
def send_batch() -> dict:
    """Send due emails over one SMTP connection, bounded in size and time; when rows are
    left, queue the next batch at once rather than wait for the scan."""
    result = services.send_batch()
    if result.more:
        send_batch.delay()
    return result.counts


@shared_task(soft_time_limit=30, time_limit=45)
def scan() -> int:
    """Beat, every OUTBOX_SCAN_SECONDS: queue batches for what may be sent now — new rows
    whose kick the broker lost, rows due now, retries after backoff, and claims of a worker
    that died (expired after OUTBOX_CLAIM_SECONDS)."""
    waiting = services.waiting()
    batches = min(settings.OUTBOX_PARALLEL_BATCHES, math.ceil(waiting / settings.OUTBOX_BATCH_SIZE))
    for _ in range(batches):
        send_batch.apply_async(expires=settings.OUTBOX_SCAN_SECONDS * 3)
    if waiting:
        logger.info("outbox: %s emails waiting, queued %s batches", waiting, batches)
    return waiting
