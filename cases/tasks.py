"""Reminders before each open hearing's deadline, once each (the outbox key says so)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samspil.celery import shared_task

from . import emails
from .models import Case, Hearing


def queue_due_reminders(today: dt.date | None = None) -> int:
    """Enqueue the reminders that are due today: `days` before the deadline, for hearings
    opened before that day (a hearing opened late gets no reminder for a day already past)."""
    today = today or timezone.localdate()
    days_list = sorted(set(settings.CASES_REMINDER_DAYS), reverse=True)
    if not days_list:
        return 0
    hearings = Hearing.objects.filter(
        status=Hearing.Status.OPEN,
        case__status=Case.Status.IN_HEARING,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=max(days_list)),
    ).only("pk", "workplace_id", "deadline", "opened_at", "case_id")
    queued = 0
    with transaction.atomic():
        for hearing in hearings:
            opened = timezone.localtime(hearing.opened_at).date()
            # The nearest reminder that is due; earlier ones the scan sent on their own day.
            due = [d for d in days_list if hearing.deadline - dt.timedelta(days=d) <= today]
            if not due:
                continue
            days = min(due)
            if hearing.deadline - dt.timedelta(days=days) < opened:
                continue
            emails.hearing_reminder(hearing, days)
            queued += 1
    return queued


@shared_task(ignore_result=True)
def queue_hearing_reminders() -> int:
    return queue_due_reminders()
