"""A notification per person and event, and each person's choice of delivery per kind."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_CHOICES, KINDS, Delivery


def notification_text(kind_key: str, params: dict, actor_name: str | None) -> str:
    """The sentence of a notification of this kind with these names, in the reader's
    language; `actor_name` None when nobody (or nobody any more) acted."""
    kind = KINDS.get(kind_key)
    if kind is None:
        return ""
    values = defaultdict(lambda: "–", {key: str(value) for key, value in params.items()})
    if "date" in params:  # an ISO date, shown in the reader's language
        with contextlib.suppress(TypeError, ValueError):
            values["date"] = date_format(dt.date.fromisoformat(params["date"]), "SHORT_DATE_FORMAT")
    if actor_name is not None:
        values["actor"] = actor_name or "–"
    return str(kind.message) % values


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=KIND_CHOICES)
    # The event, e.g. "agreement:12:approved": one notification per person and event.
    event = models.CharField(_("event"), max_length=200)
    # The names the sentence is made of (workplace, title, who acted), as they were.
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300)
    # The object it is about ("agreements.agreement", 12), for the history.
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The person's choice when it happened: sent at once, in the daily summary, or neither.
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.CHOICES)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The day whose summary carried it (delivery "daily").
    digested_on = models.DateField(_("in the summary of"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="notification_once_per_event"),
        ]
        indexes = [
            # The start page: a person's unread notifications, newest first.
            models.Index(
                fields=["recipient", "-created_at"], name="notification_unread", condition=Q(read_at__isnull=True)
            ),
            # The daily summary: what waits for it.
            models.Index(
                fields=["created_at"],
                name="notification_digest_due",
                condition=Q(digested_on__isnull=True, delivery="daily"),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        actor = self.actor if self.actor_id is not None else None
        return notification_text(self.kind, self.params, actor.full_name if actor is not None else None)

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.link}"


class Preference(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=KIND_CHOICES)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.CHOICES)

    class Meta:
        verbose_name = _("notification choice")
        verbose_name_plural = _("notification choices")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.kind}: {self.delivery}"
