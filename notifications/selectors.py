"""Reads: a person's unread notifications and their choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .kinds import KINDS
from .models import Notification, Preference, notification_text

START_PAGE_LIMIT = 10


@dataclass(frozen=True)
class Unread:
    """An unread notification as the start page shows it (not a model instance: the
    page reads these few columns, and building instances cost more than the query)."""

    pk: int
    kind: str
    params: dict
    link: str
    created_at: dt.datetime
    actor_name: str | None

    @property
    def text(self) -> str:
        return notification_text(self.kind, self.params, self.actor_name)


# Notification.objects.filter(recipient=person, read_at=None).order_by("-created_at",
# "-pk")[:limit] with the actor's name: the partial index notification_unread answers it.
_UNREAD_SQL = """
SELECT n.id, n.kind, n.params, n.link, n.created_at, n.actor_id, a.full_name
FROM notifications_notification n
LEFT JOIN accounts_user a ON a.id = n.actor_id
WHERE n.recipient_id = %s AND n.read_at IS NULL
ORDER BY n.created_at DESC, n.id DESC
LIMIT %s
"""


def unread_for(person, limit: int = START_PAGE_LIMIT) -> list[Unread]:
    """The newest unread notifications (one query)."""
    from portal.rawsql import aware, json_value, rows

    return [
        Unread(
            pk, kind, json_value(params) or {}, link, aware(created_at), actor_name if actor_id is not None else None
        )
        for pk, kind, params, link, created_at, actor_id, actor_name in rows(_UNREAD_SQL, [person.pk, limit])
    ]


def unread_count(person) -> int:
    return Notification.objects.filter(recipient=person, read_at=None).count()


def choices_of(person) -> dict[str, str]:
    """The person's delivery for every kind: their choice, else the default (one query)."""
    chosen = dict(Preference.objects.filter(person=person).values_list("kind", "delivery"))
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}
