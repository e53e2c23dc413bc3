"""Booking emails to the workplace's leaders (and the member, when the leader confirms).

Kept apart from meetings/tasks.py, which holds calendar invitations and reminders.
Each email belongs to one MeetingLogEntry and is claimed (notified_at set by a
conditional update) before it goes, so a retried or redelivered task sends nothing twice.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from samspil.mail import build_templated_mail

logger = logging.getLogger(__name__)

TEMPLATES = {
    "booking.created": "meetings/email/booking_created",
    "booking.cancelled": "meetings/email/booking_cancelled",
    "booking.moved": "meetings/email/booking_moved",
    "booking.confirmed": "meetings/email/booking_confirmed",
}


def notice_send(*, entry_id: int) -> int:
    from .models import MeetingLogEntry
    from .selectors import workplace_leaders

    entry = (
        MeetingLogEntry.objects.select_related("booking__member", "slot__workplace", "actor", "meeting")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.action not in TEMPLATES or entry.booking is None:
        return 0
    if entry.action == "booking.confirmed":
        recipients = [entry.booking.member]
    else:
        recipients = workplace_leaders(entry.slot.workplace_id)
    recipients = [person for person in recipients if person.email]
    if not recipients:
        return 0
    # Claim before sending: only the delivery that sets notified_at sends.
    if not MeetingLogEntry.objects.filter(pk=entry.pk, notified_at=None).update(notified_at=timezone.now()):
        return 0
    sent = 0
    context = {
        "entry": entry,
        "booking": entry.booking,
        "slot": entry.slot,
        "workplace": entry.slot.workplace,
        "member": entry.booking.member,
        "reason": entry.detail.get("reason") or entry.booking.reason,
        "manage_url": f"{settings.SITE_URL}/moeder/virksomhed/{entry.slot.workplace.slug}/besoegstider/",
        "meeting_url": f"{settings.SITE_URL}{entry.meeting.get_absolute_url()}" if entry.meeting else "",
    }
    error: Exception | None = None
    for person in recipients:
        try:
            message = build_templated_mail(
                TEMPLATES[entry.action], to=person.email, context={**context, "person": person}
            )
            if entry.action == "booking.confirmed" and entry.meeting is not None:
                _attach_confirmed_event(message, entry.meeting)
            message.send()
            sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            logger.exception("Booking notice %s to %s failed", entry.pk, person.pk)
            error = exc
    if error is not None and sent == 0:
        # Nothing went out: release the claim so the retry sends it. (When some of
        # several leaders got it, the claim stays: better one missing than repeats.)
        MeetingLogEntry.objects.filter(pk=entry.pk).update(notified_at=None)
        raise error
    return sent


def _attach_confirmed_event(message, meeting) -> None:
    """The confirmed visit as an updated calendar event (REQUEST, STATUS:CONFIRMED, the
    raised SEQUENCE), so the member's calendar entry stops being tentative."""
    from .calendar import attach_event
    from .models import Meeting, Participant

    meeting = Meeting.objects.select_related("organiser", "host").get(pk=meeting.pk)
    participants = Participant.objects.filter(meeting=meeting).select_related("person").order_by("role")
    attach_event(message, meeting, list(participants), method="REQUEST")


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_notice(entry_id: int) -> int:
    return notice_send(entry_id=entry_id)
