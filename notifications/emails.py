"""The notifications' emails through the one outbox: a family per kind (one email per
event, sent at once) and the daily summary. Built at send time from the rows."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from outbox import families
from samspil.mail import build_templated_mail

from .kinds import KINDS
from .models import Notification
from .services import DIGEST_FAMILY, family_of


def _settings_url() -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{reverse('notifications:settings')}"


def build_one(row):
    person = row.recipient
    if person is None or not person.email or not person.is_active:
        return "no email address"
    notification = (
        Notification.objects.filter(pk=row.params.get("notification"), recipient=person).select_related("actor").first()
    )
    if notification is None:
        return "the notification was deleted"
    if notification.read_at is not None:
        return "read on the start page already"
    return build_templated_mail(
        "notifications/email/notification",
        to=person.email,
        context={
            "person": person,
            "notification": notification,
            "kind": KINDS[notification.kind],
            "settings_url": _settings_url(),
        },
    )


def build_digest(row):
    person = row.recipient
    if person is None or not person.email or not person.is_active:
        return "no email address"
    notifications = list(
        Notification.objects.filter(pk__in=row.params.get("notifications", []), recipient=person)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    if not notifications:
        return "nothing left to summarise"
    return build_templated_mail(
        "notifications/email/digest",
        to=person.email,
        context={
            "person": person,
            "notifications": notifications,
            "day": dt.date.fromisoformat(row.params["day"]),
            "settings_url": _settings_url(),
        },
    )


for _kind in KINDS:
    families.register(family_of(_kind), build_one)
families.register(DIGEST_FAMILY, build_digest)
