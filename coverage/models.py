"""Coverage keeps no figures of its own: every number is computed from meetings.

The one table here is the digest outbox: a row per recipient, month and topic, claimed
before its email goes, so the monthly digest reaches each person exactly once even when
the beat fires twice or a worker retries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigestDelivery(models.Model):
    ADMINISTRATORS = "administrators"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    # The first day of the month the digest is about.
    month = models.DateField(_("month"))
    # "administrators", or "committee-<id>" for a nudge to a committee's chair.
    topic = models.CharField(_("topic"), max_length=40)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Claimed by a conditional update before sending: a second delivery attempt finds it taken.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    missed_count = models.PositiveIntegerField(_("workplaces below target"), default=0)

    class Meta:
        verbose_name = _("coverage digest")
        verbose_name_plural = _("coverage digests")
        ordering = ["-month", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "month", "topic"], name="coverage_digest_once_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.month:%Y-%m} {self.topic}"
