"""Writes: tell people what happened, their choices, reading, and the daily summary.

`notify(...)` is called by the services of agreements, stories and meetings inside their
transaction: a rolled-back step tells nobody. Each person gets one notification per event
(a unique constraint), and, as they chose for the kind, an email at once (one outbox row
per person and event), a line in the next daily summary, or only the start page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from samspil.errors import ServiceError

from .kinds import KINDS, Delivery
from .models import Notification, Preference

DIGEST_FAMILY = "notifications.digest"


def family_of(kind: str) -> str:
    return f"notifications.{kind}"


def deliveries_of(person_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each person's delivery for `kind`: their choice, else the kind's default (one query)."""
    ids = list(person_ids)
    chosen = dict(Preference.objects.filter(person_id__in=ids, kind=kind).values_list("person_id", "delivery"))
    return {pk: chosen.get(pk, KINDS[kind].default) for pk in ids}


def notify(
    recipients: Iterable,
    kind: str,
    *,
    event: str,
    link: str,
    params: dict | None = None,
    actor=None,
    obj=None,
) -> list[Notification]:
    """Tell each of `recipients` (users) about `event`, once per person; the actor is not
    told about their own step, nor is anyone inactive. Returns the new notifications."""
    from outbox.services import enqueue

    if kind not in KINDS:
        raise LookupError(f"no notification kind {kind!r}")
    people = {}
    for person in recipients:
        if person is None or not person.is_active or (actor is not None and person.pk == actor.pk):
            continue
        people[person.pk] = person
    if not people:
        return []
    # Who acted is read from `actor` when shown (an erased account shows as erased).
    params = dict(params or {})
    deliveries = deliveries_of(people, kind)
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else ""
    created = []
    for pk, person in people.items():
        notification = Notification(
            recipient=person,
            kind=kind,
            event=event[:200],
            params=params,
            link=link,
            object_type=object_type,
            object_id=obj.pk if obj is not None else None,
            actor=actor,
            delivery=deliveries[pk],
        )
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            continue  # told about this event already
        created.append(notification)
        if notification.delivery == Delivery.IMMEDIATE:
            enqueue(
                family=family_of(kind),
                key=f"{family_of(kind)}:{event}:{pk}",
                recipient=person,
                params={"notification": notification.pk},
            )
    return created


def mark_read(*, person, notification_id: int) -> bool:
    """Mark one of the person's own notifications read; False when it is not theirs."""
    updated = Notification.objects.filter(pk=notification_id, recipient=person, read_at=None).update(
        read_at=timezone.now()
    )
    if not updated and not Notification.objects.filter(pk=notification_id, recipient=person).exists():
        raise ServiceError("not found", code="not_found")
    return bool(updated)


def mark_all_read(*, person) -> int:
    return Notification.objects.filter(recipient=person, read_at=None).update(read_at=timezone.now())


def preferences_save(*, person, choices: dict[str, str]) -> None:
    """Store the person's delivery per kind (a kind left at its default keeps no row)."""
    valid = {value for value, _label in Delivery.CHOICES}
    with transaction.atomic():
        for kind, delivery in choices.items():
            if kind not in KINDS or delivery not in valid:
                raise ServiceError("unknown choice", field=kind, code="invalid")
            if delivery == KINDS[kind].default:
                Preference.objects.filter(person=person, kind=kind).delete()
            else:
                Preference.objects.update_or_create(person=person, kind=kind, defaults={"delivery": delivery})


# --- The daily summary ------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def digest_prepare_day(*, today: dt.date | None = None) -> int:
    """One summary email per person for what was meant for their daily summary and came
    before today (Copenhagen time). Runs several times a morning: each notification goes
    in one summary (`digested_on`), and each person's summary of a day is one outbox row
    (its key), so a second run sends nothing twice. Returns how many summaries it queued."""
    from outbox.services import enqueue

    today = today or timezone.localdate()
    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivery=Delivery.DAILY, digested_on=None, created_at__lt=_start_of(today))
            .select_related("recipient")
            .order_by("recipient_id", "created_at")
        )
        by_person: dict[int, list[Notification]] = {}
        for notification in waiting:
            by_person.setdefault(notification.recipient_id, []).append(notification)
        queued = 0
        for person_id, rows in by_person.items():
            row = enqueue(
                family=DIGEST_FAMILY,
                key=f"{DIGEST_FAMILY}:{today.isoformat()}:{person_id}",
                recipient=rows[0].recipient,
                params={"day": today.isoformat(), "notifications": [n.pk for n in rows]},
            )
            queued += row is not None
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(digested_on=today)
    return queued
