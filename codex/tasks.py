"""Thin Celery tasks: they take IDs and call services (see services.py)."""

from celery import shared_task

from . import services


@shared_task(soft_time_limit=600, time_limit=660)
def fan_out_reminders(round_id: int) -> int:
    """Create a round's outbox rows in bulk, then queue one send task per batch."""
    batches = services.reminder_round_fan_out(round_id=round_id)
    for batch in batches:
        send_reminder_batch.delay_on_commit(batch)
    return len(batches)


@shared_task(soft_time_limit=240, time_limit=300)
def send_reminder_batch(email_ids: list[int]) -> int:
    return services.reminder_batch_send(email_ids=email_ids)


@shared_task(soft_time_limit=120, time_limit=180)
def send_due_reminders() -> int:
    """Beat: start the reminder round of every current version whose interval has come."""
    rounds = services.reminder_rounds_due()
    for round_id in rounds:
        fan_out_reminders.delay_on_commit(round_id)
    # Emails a dead worker claimed, or whose batch message was lost, go out again (once).
    for batch in services.reminder_emails_stranded():
        send_reminder_batch.delay_on_commit(batch)
    return len(rounds)


@shared_task(soft_time_limit=600, time_limit=660)
def anchor_chain_head() -> int:
    """Beat (hourly; the anchor itself is once a day): anchor today's chain head outside
    the database and email every anchor not yet sent to the data protection officer."""
    services.chain_anchor()
    return services.chain_anchors_send()
