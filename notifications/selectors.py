"""Reads: a person's unread notifications and their choices."""

from __future__ import annotations

from .kinds import KINDS
from .models import Notification, Preference

START_PAGE_LIMIT = 10


def unread_for(person, limit: int = START_PAGE_LIMIT) -> list[Notification]:
    """The newest unread notifications (one query)."""
    return list(
        Notification.objects.filter(recipient=person, read_at=None)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def unread_count(person) -> int:
    return Notification.objects.filter(recipient=person, read_at=None).count()


def choices_of(person) -> dict[str, str]:
    """The person's delivery for every kind: their choice, else the default (one query)."""
    chosen = dict(Preference.objects.filter(person=person).values_list("kind", "delivery"))
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}
