from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(soft_time_limit=120, time_limit=180)
def queue_monthly_digest() -> int:
    """Beat, monthly: create the outbox rows and queue one send per row."""
    ids = services.digest_queue(month=timezone.localdate())
    for delivery_id in ids:
        send_digest.delay(delivery_id)
    return len(ids)


@shared_task(soft_time_limit=120, time_limit=180)
def send_digest(delivery_id: int) -> bool:
    return services.digest_send(delivery_id=delivery_id)
