"""The weekly digest. Beat runs `send_weekly_digests` on Monday mornings (settings); the
digests are rows of the one outbox, sent by its batches (outbox/tasks.py)."""

from __future__ import annotations

from samspil.celery import shared_task

from . import services


@shared_task(soft_time_limit=240, time_limit=300)
def send_weekly_digests(week: str | None = None) -> int:
    """Enqueue the digests for `week` ("2026-W48"; default: last week)."""
    return services.digest_prepare_week(week=week or services.previous_week())
