"""Committee cases (sager) and the workplaces' hearings (høringer).

A `Case` is planned for one committee meeting and sits on its agenda as an `AgendaItem`
(meetings/). Registering a case that concerns workplaces opens one `Hearing` per
workplace, with a deadline a set number of working days before the meeting
(cases/deadlines.py). The leader drafts the answer (autosaved, guarded by `version`),
employees invited contribute, and the submitted answer is frozen with its SHA-256.
The case's states move by the transition table in cases/flow.py.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet
from meetings.models import AgendaItem, Meeting
from organisation.models import Committee, Workplace
from samspil import bounds


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_HEARING = "in_hearing", _("in hearing")
        READY = "ready", _("ready for the committee")
        TREATED = "treated", _("treated")
        DECIDED = "decided", _("decided")

    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        ORIENTATION = "orientation", _("orientation")
        DISCUSSION = "discussion", _("discussion")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="cases", verbose_name=_("committee")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="cases", verbose_name=_("committee meeting")
    )
    # The case's line on the meeting's agenda; accepted presenters are written onto it.
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="case", editable=False
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(
        _("summary"), max_length=bounds.TEXT, help_text=_("A few lines in plain Danish: what the case is about.")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DECISION)
    workplaces = models.ManyToManyField(
        Workplace, related_name="cases", blank=True, verbose_name=_("workplaces concerned")
    )
    contact_name = models.CharField(_("administration contact"), max_length=200)
    contact_email = models.EmailField(_("contact's email"), blank=True)
    esdh_number = models.CharField(_("case number (ESDH)"), max_length=60, blank=True)
    esdh_url = models.URLField(_("link to the case system"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    hearing_deadline = models.DateField(_("hearing deadline"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), max_length=bounds.TEXT, blank=True)
    # Feedback on decisions: told to the heard workplaces with the decision.
    answers_used = models.TextField(_("how the hearing answers were used"), max_length=bounds.TEXT, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    treated_at = models.DateTimeField(_("treated"), null=True, blank=True)
    # The hearing gate's exception: an administrator let the case go on with a hearing open.
    override_reason = models.TextField(
        _("reason for going on without the hearing"), max_length=bounds.SHORT_TEXT, blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(_("overridden"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee case")
        verbose_name_plural = _("committee cases")
        ordering = ["-created_at"]
        constraints = [
            *bounds.text_length_constraints(
                summary=bounds.TEXT,
                decision_text=bounds.TEXT,
                answers_used=bounds.TEXT,
                override_reason=bounds.SHORT_TEXT,
            ),
            models.CheckConstraint(
                condition=Q(override_at__isnull=True) | ~Q(override_reason=""), name="case_override_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | ~Q(decision_text=""), name="case_decided_has_decision"
            ),
        ]
        indexes = [
            # The committee's case list and the figures per committee.
            models.Index(fields=["committee", "status"], name="case_committee_status"),
            # The agenda view: a meeting's cases.
            models.Index(fields=["meeting", "status"], name="case_meeting_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"pk": self.pk})

    @property
    def is_overridden(self) -> bool:
        return self.override_at is not None


class HearingQuerySet(AuditedQuerySet):
    def open(self) -> HearingQuerySet:
        return self.filter(status=Hearing.Status.OPEN)


class Hearing(models.Model):
    """One workplace's hearing on one case: its answer, and its wish to speak."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        NO_COMMENTS = "no_comments", _("no comments")

    class Speaking(models.TextChoices):
        NOT_ASKED = "", _("not asked")
        REQUESTED = "requested", _("asks to speak")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("workplace")
    )
    deadline = models.DateField(_("deadline"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    # The draft, saved while the leader types; `version` is compared in the UPDATE itself.
    answer = models.TextField(_("answer"), max_length=bounds.LONG_TEXT, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The submitted answer: frozen, never edited, shown verbatim with its SHA-256.
    submitted_text = models.TextField(_("submitted answer"), max_length=bounds.LONG_TEXT, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Foretræde: the workplace asks to speak and names who presents the case.
    speaking = models.CharField(_("speaking"), max_length=10, choices=Speaking.choices, default="", blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    presenter_name = models.CharField(_("presenter's name"), max_length=200, blank=True)
    presenter_title = models.CharField(_("presenter's title"), max_length=200, blank=True)
    speaking_reason = models.TextField(_("the chair's reason"), max_length=bounds.SHORT_TEXT, blank=True)
    speaking_decided_at = models.DateTimeField(null=True, blank=True)
    speaking_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = HearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["case", "workplace__name"]
        constraints = [
            *bounds.text_length_constraints(
                answer=bounds.LONG_TEXT, submitted_text=bounds.LONG_TEXT, speaking_reason=bounds.SHORT_TEXT
            ),
            models.UniqueConstraint(fields=["case", "workplace"], name="hearing_once_per_workplace"),
            # A closed hearing says when and (for an answer) the hash of what was sent.
            models.CheckConstraint(
                condition=Q(status="open") | Q(submitted_at__isnull=False), name="hearing_closed_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(sha256__regex=r"^[0-9a-f]{64}$"), name="hearing_answer_has_hash"
            ),
            models.CheckConstraint(
                condition=~Q(speaking="declined") | ~Q(speaking_reason=""), name="hearing_declined_has_reason"
            ),
        ]
        indexes = [
            # A leader's hearings to answer, the start page and the reminder scan.
            models.Index(fields=["workplace", "status"], name="hearing_workplace_status"),
            models.Index(fields=["deadline"], name="hearing_open_deadline", condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.workplace}"

    def get_absolute_url(self) -> str:
        return reverse("cases:hearing", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())

    def state(self, today=None) -> str:
        """At a glance: answered / no_comments / overridden / overdue / open."""
        if not self.is_open:
            return self.status
        if self.case.override_at is not None:
            return "overridden"
        return "overdue" if self.is_overdue(today) else "open"

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class HearingInvitee(models.Model):
    """An employee the leader asked to contribute to the answer."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearing_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("invited contributor")
        verbose_name_plural = _("invited contributors")
        constraints = [models.UniqueConstraint(fields=["hearing", "person"], name="hearinginvitee_once")]

    def __str__(self) -> str:
        return f"{self.person} – {self.hearing}"


class Contribution(models.Model):
    """An employee's input to the answer; the leader sees it and may quote it."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("your input"), max_length=bounds.TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["created_at", "pk"]
        constraints = bounds.text_length_constraints(text=bounds.TEXT)

    def __str__(self) -> str:
        return f"{self.author} – {self.hearing}"


class AgendaToken(models.Model):
    """A read-only token for one agenda system fetching cases as JSON (cases/api.py).
    Only the SHA-256 of the token is kept; the token is shown once when made."""

    name = models.CharField(_("system"), max_length=200, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda system token")
        verbose_name_plural = _("agenda system tokens")

    def __str__(self) -> str:
        return self.name


class HearingFigure(models.Model):
    """The hearing figures' table (cases/figures.py): one row per hearing on a case that is
    not a draft, with what the figures read from the hearing, its case and its meeting
    already worked out. Written only by database triggers (cases/figure_table.py) in the
    same transaction as the change to the hearing, the case or the meeting's start, so it
    is never stale and no code path can forget it; the figures then read one index range
    (the period) instead of joining every case and meeting."""

    hearing = models.OneToOneField(
        Hearing, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # Read through the period's index (below), never looked up alone: no index of their own.
    workplace = models.ForeignKey(
        Workplace, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    meeting_starts_at = models.DateTimeField()
    # The case is treated or decided.
    treated = models.BooleanField()
    # ... and this hearing was closed (answered or "no comments") before the treatment.
    heard_before = models.BooleanField()
    # The case went on to the committee without this hearing closed (an override).
    overridden = models.BooleanField()
    # Days from the hearing's opening to its answer; null while open.
    days = models.FloatField(null=True)
    # The workplace spoke at the committee (its request to speak was accepted).
    spoke = models.BooleanField()

    class Meta:
        indexes = [
            # The period's rows by an index-only scan: every column the figures count.
            models.Index(
                fields=["meeting_starts_at"],
                include=["workplace", "committee", "case", "treated", "heard_before", "overridden", "days", "spoke"],
                name="hearingfigure_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hearing_id}"


class CaseTally(models.Model):
    """How many cases there are of each status: the leadership's case list counts its pages
    from here instead of counting every case. Written only by database triggers
    (cases/case_tally.py) in the same statement as the insert, the status change or the
    delete of a case, so it is never stale and no code path can forget it."""

    status = models.CharField(max_length=12, primary_key=True)
    cases = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.status}: {self.cases}"
