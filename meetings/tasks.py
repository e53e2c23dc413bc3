"""Celery tasks for calendar emails and reminders. Thin: they take ids and call
meetings/invitations.py and meetings/reminders.py, which claim every email before it goes.

Booking notices to leaders are in meetings/notifications.py.
"""

from __future__ import annotations

import logging

from celery import shared_task

from . import invitations, reminders
from .models import CalendarMessage, Reminder

logger = logging.getLogger(__name__)


@shared_task
def send_calendar_messages(meeting_id: int) -> dict:
    """Invitations, updates and cancellations waiting for one meeting (queued on commit)."""
    return invitations.send_for_meeting(meeting_id)


@shared_task
def send_calendar_message_batch(ids: list[int]) -> dict:
    return invitations.send_rows(ids)


@shared_task
def send_reminder_batch(ids: list[int]) -> dict:
    return reminders.send_rows(ids)


@shared_task
def scan_reminders() -> dict:
    """The beat task (every few minutes, settings.CELERY_BEAT_SCHEDULE): record the reminders
    due now, then queue batches of everything waiting — new reminders, failed sends whose
    backoff has passed, claims left by a worker that died, calendar emails whose message
    the broker lost."""
    recorded = reminders.record_due()
    queued = {}
    for model, task in ((Reminder, send_reminder_batch), (CalendarMessage, send_calendar_message_batch)):
        queued[model.__name__] = 0
        # In slices (each marked queued as it is taken), until nothing is left: a morning
        # with 10,000 due reminders goes out in one scan, not one slice per beat.
        while ids := reminders.take_for_queueing(model):
            for start in range(0, len(ids), reminders.BATCH_SIZE):
                task.delay(ids[start : start + reminders.BATCH_SIZE])
            queued[model.__name__] += len(ids)
            if len(ids) < reminders.QUEUE_SLICE:
                break
    if recorded or any(queued.values()):
        logger.info("Reminders: %s due, queued %s", recorded, queued)
    return {"due": recorded, **queued}
