"""Booking emails to the workplace's leaders (and the member, when the leader confirms).

Kept apart from meetings/calendars/invitations.py, which holds calendar invitations. `enqueue_notice`
runs inside the booking service's transaction and enqueues one email per recipient in the
one outbox (family "meetings.booking", key per log entry and person): a retried or
redelivered task sends nothing twice, a rolled-back booking sends nothing.
"""

from __future__ import annotations

from django.conf import settings

from outbox.models import Email
from outbox.services import enqueue_many
from samspil.mail import build_templated_mail

FAMILY = "meetings.booking"
TEMPLATES = {
    "booking.created": "meetings/email/booking_created",
    "booking.cancelled": "meetings/email/booking_cancelled",
    "booking.moved": "meetings/email/booking_moved",
    "booking.confirmed": "meetings/email/booking_confirmed",
}


def enqueue_notice(entry) -> int:
    """Enqueue the booking notice of a log entry for each of its recipients."""
    from .selectors import workplace_leaders

    if entry.action not in TEMPLATES or entry.booking is None:
        return 0
    if entry.action == "booking.confirmed":
        recipients = [entry.booking.member]
    else:
        recipients = workplace_leaders(entry.slot.workplace_id)
    recipients = [person for person in recipients if person.email]
    return enqueue_many(
        {
            "family": FAMILY,
            "key": f"{FAMILY}:{entry.pk}:{person.pk}",
            "recipient": person,
            "params": {"entry": entry.pk},
        }
        for person in recipients
    )


def build_notice(row: Email):
    from ..models import MeetingLogEntry

    entry = (
        MeetingLogEntry.objects.select_related("booking__member", "slot__workplace", "actor", "meeting")
        .filter(pk=row.params["entry"])
        .first()
    )
    if entry is None or entry.booking is None:
        return "the booking is gone"
    person = row.recipient
    if person is None or not person.email:
        return "no email address"
    context = {
        "entry": entry,
        "booking": entry.booking,
        "slot": entry.slot,
        "workplace": entry.slot.workplace,
        "member": entry.booking.member,
        "reason": entry.detail.get("reason") or entry.booking.reason,
        "manage_url": f"{settings.SITE_URL}/moeder/virksomhed/{entry.slot.workplace.slug}/besoegstider/",
        "meeting_url": f"{settings.SITE_URL}{entry.meeting.get_absolute_url()}" if entry.meeting else "",
        "person": person,
    }
    message = build_templated_mail(TEMPLATES[entry.action], to=person.email, context=context)
    if entry.action == "booking.confirmed" and entry.meeting is not None:
        _attach_confirmed_event(message, entry.meeting)
    return message


def _attach_confirmed_event(message, meeting) -> None:
    """The confirmed visit as an updated calendar event (REQUEST, STATUS:CONFIRMED, the
    raised SEQUENCE), so the member's calendar entry stops being tentative."""
    from ..calendars.ics import attach_event
    from ..models import Meeting, Participant

    meeting = Meeting.objects.select_related("organiser", "host").get(pk=meeting.pk)
    participants = Participant.objects.filter(meeting=meeting).select_related("person").order_by("role")
    attach_event(message, meeting, list(participants), method="REQUEST")


def register() -> None:
    from outbox import families

    families.register(FAMILY, build_notice)
