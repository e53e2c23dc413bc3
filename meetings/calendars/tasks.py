"""Celery task for reminders. Thin: the beat asks meetings/calendars/reminders.py what is due; the
emails go through the one outbox (outbox/tasks.py), which claims every email before it goes.
Invitations and booking notices are enqueued by the services' transactions themselves.
"""

from __future__ import annotations

import logging

from samspil.celery import shared_task

from . import reminders

logger = logging.getLogger(__name__)


# The registered name is the one the beat schedule (settings.CELERY_BEAT_SCHEDULE) and queued
# messages use: it stays "meetings.tasks.scan_reminders" wherever the function lives.
@shared_task(name="meetings.tasks.scan_reminders", soft_time_limit=120, time_limit=180)
def scan_reminders() -> int:
    """The beat task (every minute, settings.CELERY_BEAT_SCHEDULE): enqueue the reminders
    due now. Sending, retries and a dead worker's claims are the outbox's scan's work."""
    recorded = reminders.record_due()
    if recorded:
        logger.info("Reminders: %s due", recorded)
    return recorded
