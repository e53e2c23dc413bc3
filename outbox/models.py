"""The one outbox: one row per email Samspil sends (outbox/services.py sends them).

The row exists before the email goes, under a unique `key` that names the event and the
person ("meetings.reminder:12:34:1d:2026-12-08T09:00"): the same event for the same person
is one row however often a producer runs. A batch claims rows by setting `claimed_until`
(and its `claim_token`) with one conditional UPDATE, sends, and records `sent_at` right
after the SMTP server's 250. A claim that is not renewed expires within a minute
(OUTBOX_CLAIM_SECONDS), so a killed worker's rows are taken by the next scan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not needed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    # The registered builder (outbox/families.py): "meetings.reminder", "codex.sign_reminder" …
    family = models.CharField(_("kind"), max_length=60)
    # A family's grouping of rows ("codex.round:7", "meetings.meeting:12"), for its own questions.
    topic = models.CharField(_("topic"), max_length=100, blank=True, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # The address when there is no account (or at enqueue time when there is one).
    to_address = models.EmailField(_("address"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    # Not before then: due_at at first, later the backoff after a failed attempt.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at"]
        indexes = [
            # The scan's and the batch's question: pending rows by when they may go.
            models.Index(fields=["next_attempt_at"], name="outbox_pending", condition=models.Q(outcome="pending")),
            models.Index(fields=["family", "outcome"], name="outbox_family_outcome"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def address(self) -> str:
        """Where it goes: the account's current address, else the one given."""
        if self.recipient_id is not None and self.recipient.email:
            return self.recipient.email
        return self.to_address
