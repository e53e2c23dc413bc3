"""The daily summary. Beat runs `send_daily_digests` every hour of the morning (settings);
the summaries are rows of the one outbox, sent by its batches (outbox/tasks.py)."""

from __future__ import annotations

from samspil.celery import shared_task

from . import services


@shared_task(soft_time_limit=240, time_limit=300)
def send_daily_digests() -> int:
    return services.digest_prepare_day()
