"""A word before the press (report: "en dialog mellem politikerne og de områder, hvor sagen
ligger, inden den kommer i pressen").

A leader or centre head tells the chair(s) of the workplace's committee(s) and the
directors, in confidence, about a matter that may reach the press. The word carries no
personal data (the form refuses personal identification numbers), is seen only by those
told, the sender and administrators, records who was told and who acknowledged when, and
is deleted for real after `EARLY_WORD_RETENTION_DAYS`. It is deliberately not in the audit
trail: an audit entry would keep the text beyond its retention.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisation.models import Workplace
from samspil import bounds

TEXT_LIMIT = 2000


class EarlyWord(models.Model):
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    workplace = models.ForeignKey(Workplace, verbose_name=_("workplace"), on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("what it is about, in a few words"), max_length=200)
    about = models.TextField(_("what has happened"), max_length=TEXT_LIMIT)
    action = models.TextField(_("what the workplace is doing"), max_length=TEXT_LIMIT)
    contact_name = models.CharField(_("who to call"), max_length=200)
    contact_phone = models.CharField(_("phone"), max_length=40)
    created_at = models.DateTimeField(_("given"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("early word")
        verbose_name_plural = _("early words")
        ordering = ["-created_at", "-pk"]
        constraints = bounds.text_length_constraints(about=TEXT_LIMIT, action=TEXT_LIMIT)

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("earlywords:detail", args=[self.pk])


class Recipient(models.Model):
    """One person told, when, and whether (and when) they acknowledged."""

    class Status(models.TextChoices):
        TOLD = "told", _("Not acknowledged yet")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    class Capacity(models.TextChoices):
        CHAIR = "chair", _("Committee chair")
        DIRECTOR = "director", _("Director")

    early_word = models.ForeignKey(EarlyWord, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    capacity = models.CharField(_("told as"), max_length=20, choices=Capacity.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TOLD)
    told_at = models.DateTimeField(_("told"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("person told")
        verbose_name_plural = _("people told")
        ordering = ["capacity", "pk"]
        constraints = [models.UniqueConstraint(fields=["early_word", "person"], name="earlyword_told_once")]
        # The start page: "early words told to me, not acknowledged yet".
        indexes = [models.Index(fields=["person", "status"], name="earlyword_person_status")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"
