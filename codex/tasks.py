"""Thin Celery tasks: they take IDs and call services (see services.py). The emails
themselves go through the one outbox (outbox/tasks.py)."""

from samspil.celery import shared_task

from . import services


@shared_task(soft_time_limit=600, time_limit=660)
def fan_out_reminders(round_id: int) -> int:
    """Enqueue a round's emails in bulk; the outbox's bounded batches send them."""
    return services.reminder_round_fan_out(round_id=round_id)


@shared_task(soft_time_limit=120, time_limit=180)
def send_due_reminders() -> int:
    """Beat: start the reminder round of every current version whose interval has come."""
    rounds = services.reminder_rounds_due()
    for round_id in rounds:
        fan_out_reminders.delay_on_commit(round_id)
    return len(rounds)


@shared_task(soft_time_limit=600, time_limit=660)
def anchor_chain_head() -> int:
    """Beat (hourly; the anchor itself is once a day): anchor today's chain head outside
    the database and email every anchor not yet sent to the data protection officer."""
    services.chain_anchor()
    return services.chain_anchors_send()
