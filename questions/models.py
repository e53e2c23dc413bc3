"""Questions through fewer links (report: "politiske spørgsmål skal gennem færre led, så det
er lettere at svare på det der oprindeligt blev spurgt om").

A committee member asks a workplace (or several of a kind) in their own words; the text is
stored exactly as written and never edited. The workplace's leader answers or hands the
question to a named colleague, who answers under their own name; the answer goes straight
back to the asker and is visible to the whole committee. The centre head is copied, not a
step in between. One row per workplace asked, so each workplace answers on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisation.models import Committee, Workplace
from samspil import bounds

TEXT_LIMIT = 4000


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        HANDED_OVER = "handed_over", _("Handed to a colleague")
        ANSWERED = "answered", _("Answered")

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="+")
    workplace = models.ForeignKey(Workplace, verbose_name=_("workplace"), on_delete=models.CASCADE, related_name="+")
    # Several workplaces asked at once share the group, so the asker sees them together.
    group = models.UUIDField(_("asked together"), db_index=True)
    text = models.TextField(_("question"), max_length=TEXT_LIMIT)
    not_about_a_person = models.BooleanField(_("not about a named citizen or employee"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)
    deadline = models.DateField(_("answer by"))
    deadline_renegotiated = models.BooleanField(_("deadline renegotiated"), default=False)
    renegotiation_reason = models.CharField(_("why the workplace needs longer"), max_length=500, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer"), max_length=TEXT_LIMIT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Never public unless both sides agree to publish the question and answer as a story.
    asker_agrees_to_publish = models.BooleanField(default=False)
    workplace_agrees_to_publish = models.BooleanField(default=False)
    story = models.ForeignKey(
        "stories.Story", verbose_name=_("story"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-asked_at", "-pk"]
        constraints = bounds.text_length_constraints(text=TEXT_LIMIT, answer=TEXT_LIMIT)
        indexes = [
            # The committee's list: its questions, newest first.
            models.Index(fields=["committee", "-asked_at"], name="question_committee_asked"),
            # The workplace's list and the leader's start page.
            models.Index(fields=["workplace", "status"], name="question_workplace_status"),
            # The list's two tabs for the leadership (every question): open ones by
            # deadline, answered ones newest first, a page read off the index.
            models.Index(fields=["deadline", "id"], name="question_open_deadline", condition=~Q(status="answered")),
            models.Index(
                fields=["-answered_at", "id"], name="question_answered_recent", condition=Q(status="answered")
            ),
            # The list's figures (both counts and the median time to answer) from the
            # index alone, without reading the questions' texts.
            models.Index(fields=["status", "answered_at", "asked_at"], name="question_figures"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.status == self.Status.ANSWERED
