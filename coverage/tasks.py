from celery import shared_task
from django.utils import timezone

from . import selectors, services


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


@shared_task(soft_time_limit=50, time_limit=60)
def warm_dashboard() -> bool:
    """Beat, every minute: the leadership's report computed ahead after a change."""
    return selectors.warm_leadership_report()
