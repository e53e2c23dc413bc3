from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import services


@shared_task(soft_time_limit=120, time_limit=180)
def queue_deadline_reminders() -> int:
    """Beat: make the outbox rows the cycle says are due, and queue one send per row."""
    with transaction.atomic():
        ids = services.deadline_reminders_due(today=timezone.localdate())
        for reminder_id in ids:
            send_deadline_reminder.delay_on_commit(reminder_id)
    return len(ids)


@shared_task(soft_time_limit=60, time_limit=90)
def send_deadline_reminder(reminder_id: int) -> bool:
    return services.deadline_reminder_send(reminder_id=reminder_id)
