from django.utils import timezone

from samspil.celery import shared_task

from . import selectors, services


@shared_task(soft_time_limit=120, time_limit=180)
def queue_monthly_digest() -> int:
    """Beat, monthly: enqueue the digests; the outbox's batches send each once."""
    return services.digest_queue(month=timezone.localdate())


@shared_task(soft_time_limit=50, time_limit=60)
def warm_dashboard() -> bool:
    """Beat, every minute: the leadership's report computed ahead after a change."""
    return selectors.warm_leadership_report()
