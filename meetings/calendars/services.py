"""Writes of the calendars room: a person's private feed and their reminder choices.
Invitations and reminders are enqueued in the one outbox by invitations.py (from the
meetings room's `log`) and reminders.py (the beat's scan)."""

from __future__ import annotations

import secrets

from django.utils import timezone

from .models import CalendarFeed, ReminderOptOut
from .reminders import all_kinds
from .selectors import feed_token, token_hash


def feed_renew(*, person) -> CalendarFeed:
    """Create the person's feed, or give it a new token: the old URL stops working.
    update_or_create locks the row, and retries a lost create race (a double click)."""
    nonce = secrets.token_hex(16)
    values = {"nonce": nonce, "token_hash": token_hash(feed_token(CalendarFeed(person=person, nonce=nonce)))}
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={**values, "renewed_at": timezone.now()}, create_defaults=values
    )
    return feed


def preferences_save(*, person, enabled: set[str]) -> None:
    """Turn reminder kinds on (`enabled`) and every other known kind off."""
    known = {kind.key for kind in all_kinds()}
    off = known - set(enabled)
    ReminderOptOut.objects.filter(person=person).exclude(kind__in=off).delete()
    ReminderOptOut.objects.bulk_create(
        [ReminderOptOut(person=person, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )
