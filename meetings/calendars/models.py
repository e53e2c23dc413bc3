"""The calendars room's models: calendar preferences and feeds.

The invitations and reminders themselves are rows of the one outbox (outbox/models.py,
families "meetings.calendar" and "meetings.reminder"): meetings/calendars/invitations.py and
meetings/calendars/reminders.py enqueue them under keys unique per event and person. This
module imports no other room: Django collects it through meetings/models.py.

`CalendarFeed` holds a person's private feed: only a hash of the URL's token is stored.
`ReminderOptOut` is one row per reminder kind a person has turned off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderOptOut(models.Model):
    """A reminder kind a person has turned off (invitations and cancellations still come)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs")
    kind = models.CharField(_("kind"), max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder turned off")
        verbose_name_plural = _("reminders turned off")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="reminderoptout_once")]

    def __str__(self) -> str:
        return f"{self.person} – {self.kind}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription. The URL's token is an HMAC of
    (person, nonce) under SECRET_KEY; the database keeps the nonce and the token's
    SHA-256 only, so a copy of the database alone opens no feed. Renewing draws a new
    nonce: the old URL stops working at once."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    renewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person}"
