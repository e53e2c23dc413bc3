"""Calendar invitations, reminders and feeds: the records that make each email go exactly once.

Every email here has a row before it is sent, under a database uniqueness guarantee:

- `CalendarMessage`: one invitation / update / cancellation per (meeting, person,
  sequence, method) — the calendar outbox.
- `Reminder`: one reminder per (meeting, person, kind, start time it was for).

A sender *claims* a row with a conditional UPDATE (`outcome = ''`, no live claim) before it
sends, and records `sent_at` right after the SMTP server accepted the message. A claim
older than `MEETING_MAIL_CLAIM_TIMEOUT` (longer than Celery's hard time limit, so it can
only belong to a worker that died) may be taken again by the beat scan: nothing is lost.
See meetings/delivery.py for the claim and the retries.

`CalendarFeed` holds a person's private feed: only a hash of the URL's token is stored.
`ReminderOptOut` is one row per reminder kind a person has turned off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """What a claimed email needs: its outcome, the claim, retries with backoff."""

    class Outcome(models.TextChoices):
        PENDING = "", _("waiting")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("not needed")
        FAILED = "failed", _("failed")

    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default="", blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Last time the beat scan (or the write that created the row) queued a task for it.
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A failed send waits until then (backoff), then the beat scan queues it again.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        abstract = True


class CalendarMessage(Delivery):
    """An invitation (REQUEST) or cancellation (CANCEL) to one person for one version
    (SEQUENCE) of a meeting."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST", _("invitation or update")
        CANCEL = "CANCEL", _("cancellation")

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="calendar_messages")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=8, choices=Method.choices)

    class Meta:
        verbose_name = _("calendar email")
        verbose_name_plural = _("calendar emails")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "sequence", "method"], name="calendarmessage_once_per_version"
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="calendarmessage_pending", condition=models.Q(outcome="")),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.meeting_id}/{self.person_id} #{self.sequence}"


class Reminder(Delivery):
    """One reminder to one person about one meeting, for the start time it was due for:
    moving the meeting makes a new start time and so a new reminder."""

    MINUTES_MISSING = "minutes-missing"

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # "7d", "1d" (before the start, from settings.MEETING_REMINDERS) or "minutes-missing".
    kind = models.CharField(_("kind"), max_length=20)
    due_for = models.DateTimeField(_("meeting start it was for"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person", "kind", "due_for"], name="reminder_once_per_start"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="reminder_pending", condition=models.Q(outcome="")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.meeting_id}/{self.person_id}"


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
