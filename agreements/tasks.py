from django.db import transaction
from django.utils import timezone

from samspil.celery import shared_task

from . import services


@shared_task(soft_time_limit=120, time_limit=180)
def queue_deadline_reminders() -> int:
    """Beat: enqueue the reminders the cycle says are due; the outbox sends each once."""
    with transaction.atomic():
        return services.deadline_reminders_due(today=timezone.localdate())
