"""Development agreements (udviklingsaftaler) between a committee and a workplace.

An administrator publishes a template for a period with the shared goals and the yearly
cycle's deadlines; a workplace leader drafts the agreement from it; the committee and the
centre head comment; the chair approves, the leader and the centre head sign; the signed
text is frozen as a revision; the goals are followed up at mid-year and year-end.

Two people editing at once never overwrite each other silently: every text field of the
editor has its own version (`Agreement.introduction_version`, `Goal.why_version`, …), compared
in the UPDATE itself (see drafting.py), so edits to two different fields both land and a
stale edit of one field is refused with the current text. `Agreement.version` and
`Goal.version` count every change of the row (services.py still compares them).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet
from organisation.models import Committee, Workplace, WorkplaceKind
from samspil import bounds


def period_label(start, end) -> str:
    """A period by its years, "2027" or "2027–2028" (lists build it from plain values)."""
    if start.year == end.year:
        return str(start.year)
    return f"{start.year}–{end.year}"


class AgreementTemplate(models.Model):
    """The administrators' frame for one period: guidance, shared goals and the cycle."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    introduction_guidance = models.TextField(_("guidance for the introduction"), blank=True, max_length=bounds.TEXT)
    goals_guidance = models.TextField(_("guidance for the goals"), blank=True, max_length=bounds.TEXT)
    follow_up_guidance = models.TextField(_("guidance for the follow-up"), blank=True, max_length=bounds.TEXT)
    committees = models.ManyToManyField(
        Committee, blank=True, related_name="agreement_templates", verbose_name=_("applies to committees")
    )
    workplace_kinds = models.ManyToManyField(
        WorkplaceKind, blank=True, related_name="agreement_templates", verbose_name=_("applies to workplace kinds")
    )
    own_goal_limit = models.PositiveSmallIntegerField(
        _("own goals at most"), default=3, help_text=_("Few and clear: a warning shows past this number.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="agreement_template_period"),
            *bounds.text_length_constraints(
                introduction_guidance=bounds.TEXT, goals_guidance=bounds.TEXT, follow_up_guidance=bounds.TEXT
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_label})"

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.period_end)


class CycleDeadline(models.Model):
    """One date in the template's yearly cycle; reminders and the yearly wheel read these."""

    class Kind(models.TextChoices):
        DRAFT_DUE = "draft_due", _("Draft due")
        SIGNATURES_DUE = "signatures_due", _("Signatures due")
        MID_YEAR = "mid_year", _("Mid-year follow-up")
        YEAR_END = "year_end", _("Year-end evaluation")
        DIALOGUE_MEETING = "dialogue_meeting", _("Dialogue meeting")

    template = models.ForeignKey(AgreementTemplate, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    remind_days_before = models.PositiveSmallIntegerField(_("remind days before"), default=7)

    class Meta:
        verbose_name = _("cycle deadline")
        verbose_name_plural = _("cycle deadlines")
        ordering = ["due_on"]
        indexes = [
            # queue_deadline_reminders: deadlines whose reminder window is open today.
            models.Index(fields=["due_on"], name="agreement_deadline_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.label or str(self.get_kind_display())


class SharedGoal(models.Model):
    """A goal every agreement of the period includes; copied into each agreement."""

    template = models.ForeignKey(AgreementTemplate, on_delete=models.CASCADE, related_name="shared_goals")
    title = models.CharField(_("title"), max_length=200)
    why = models.TextField(_("why it matters for the core task"), blank=True, max_length=bounds.TEXT)
    success = models.TextField(_("what success looks like"), blank=True, max_length=bounds.TEXT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("shared goal")
        verbose_name_plural = _("shared goals")
        ordering = ["order", "pk"]
        constraints = bounds.text_length_constraints(why=bounds.TEXT, success=bounds.TEXT)

    def __str__(self) -> str:
        return self.title


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_DIALOGUE = "in_dialogue", _("In dialogue")
        APPROVED = "approved", _("Approved")
        AGREED = "agreed", _("Agreed")
        ACTIVE = "active", _("Active")
        EVALUATED = "evaluated", _("Evaluated")
        ARCHIVED = "archived", _("Archived")

    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("workplace")
    )
    template = models.ForeignKey(
        AgreementTemplate, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("period")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    introduction = models.TextField(_("introduction"), blank=True, max_length=bounds.LONG_TEXT)
    # Optimistic concurrency: every save names the version it edited (services.py).
    version = models.PositiveIntegerField(default=1)
    # The editor's per-field version of the introduction (drafting.py).
    introduction_version = models.PositiveIntegerField(default=1)
    # The number of the newest frozen revision; 0 until the agreement is agreed.
    revision_number = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    agreed_at = models.DateTimeField(null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development agreement")
        verbose_name_plural = _("development agreements")
        ordering = ["workplace__name"]
        constraints = [
            models.UniqueConstraint(fields=["workplace", "template"], name="agreement_one_per_workplace_period"),
            *bounds.text_length_constraints(introduction=bounds.LONG_TEXT),
        ]
        indexes = [
            # The list filters by status within a period.
            models.Index(fields=["template", "status"], name="agreement_template_status"),
        ]

    def __str__(self) -> str:
        return f"{self.workplace} {self.template.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])


class Goal(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Own goal")
        SHARED = "shared", _("Shared goal")
        CROSS_CUTTING = "cross_cutting", _("Cross-cutting goal")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OWN)
    shared_goal = models.ForeignKey(SharedGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    why = models.TextField(_("why it matters for the core task"), blank=True, max_length=bounds.TEXT)
    success = models.TextField(_("what success looks like"), blank=True, max_length=bounds.TEXT)
    indicator_name = models.CharField(_("indicator"), max_length=200, blank=True)
    indicator_baseline = models.CharField(_("baseline"), max_length=60, blank=True)
    indicator_target = models.CharField(_("target"), max_length=60, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    partners = models.ManyToManyField(
        Workplace, blank=True, related_name="partner_goals", verbose_name=_("partner workplaces")
    )
    version = models.PositiveIntegerField(default=1)
    # One version per field the editor saves on its own (drafting.py): two people writing in
    # two different fields of one goal both land; two in the same field get a conflict.
    title_version = models.PositiveIntegerField(default=1)
    kind_version = models.PositiveIntegerField(default=1)
    why_version = models.PositiveIntegerField(default=1)
    success_version = models.PositiveIntegerField(default=1)
    indicator_name_version = models.PositiveIntegerField(default=1)
    indicator_baseline_version = models.PositiveIntegerField(default=1)
    indicator_target_version = models.PositiveIntegerField(default=1)
    partners_version = models.PositiveIntegerField(default=1)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator_target="") | ~Q(indicator_baseline=""), name="goal_target_needs_baseline"
            ),
            *bounds.text_length_constraints(why=bounds.TEXT, success=bounds.TEXT),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalComment(models.Model):
    """The dialogue: committee members and the centre head comment, the leader answers."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=bounds.SHORT_TEXT)
    reply_to = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = bounds.text_length_constraints(text=bounds.SHORT_TEXT)

    def __str__(self) -> str:
        return self.text[:60]


class Approval(models.Model):
    """The chair's approval and the two signatures, each with its time and revision."""

    class Kind(models.TextChoices):
        CHAIR = "chair", _("Approved by the committee chair")
        LEADER = "leader", _("Signed by the workplace leader")
        CENTRE_HEAD = "centre_head", _("Signed by the head of area")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The person's role on the day, in words, for the printed agreement.
    capacity = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    # Signatures made after a change are for the next revision; 0 = before agreement.
    round = models.PositiveIntegerField(default=0)
    # The SHA-256 of the exact text approved or signed (`text_sha256(snapshot)`); blank only
    # for approvals recorded before the hash was kept.
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("approval or signature")
        verbose_name_plural = _("approvals and signatures")
        ordering = ["signed_at"]
        constraints = [
            # Two concurrent clicks on "sign" make one signature.
            models.UniqueConstraint(fields=["agreement", "kind", "round"], name="agreement_one_signature_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"

    def save(self, *args, **kwargs) -> None:
        # An approval or signature is a fact about a moment and a text: never rewritten.
        if not self._state.adding:
            raise ValueError("an approval or signature never changes once recorded")
        super().save(*args, **kwargs)


# The note of revision 1, the text everyone signed (services.REVISION_AGREED).
SIGNED_REVISION_NOTE = "agreed"


class StatusChange(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="status_changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=Agreement.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Agreement.Status.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Revision(models.Model):
    """A frozen snapshot of the agreement's text (see services.snapshot)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} r{self.number}"

    def save(self, *args, **kwargs) -> None:
        # The signed revision is what the signatures cover: it never changes.
        if not self._state.adding and self.note == SIGNED_REVISION_NOTE:
            raise ValueError("a signed revision never changes")
        super().save(*args, **kwargs)


class FollowUp(models.Model):
    class Point(models.TextChoices):
        MID_YEAR = "mid_year", _("Mid-year")
        YEAR_END = "year_end", _("Year-end")

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="follow_ups")
    point = models.CharField(_("follow-up"), max_length=20, choices=Point.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True, max_length=bounds.TEXT)
    indicator_value = models.CharField(_("indicator value"), max_length=60, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["goal", "point"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "point"], name="agreement_one_follow_up_per_point"),
            *bounds.text_length_constraints(note=bounds.TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()}: {self.get_status_display()}"


def text_sha256(snapshot: dict) -> str:
    """The SHA-256 of an agreement's text as plain data (services.snapshot), over a canonical
    JSON form, so the same text always gives the same hash (as the code register does)."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
