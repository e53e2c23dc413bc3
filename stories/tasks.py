"""The weekly digest. Beat runs `send_weekly_digests` on Monday mornings (settings);
each digest is its own task, claimed in the database before the mail goes."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_weekly_digests(week: str | None = None) -> int:
    """Queue the digests for `week` ("2026-W48"; default: last week) that are not sent."""
    week = week or services.previous_week()
    outbox_ids = services.digest_prepare_week(week=week)
    for outbox_id in outbox_ids:
        send_digest.delay_on_commit(outbox_id)
    return len(outbox_ids)


@shared_task
def send_digest(outbox_id: int) -> bool:
    return services.digest_send(outbox_id=outbox_id)
