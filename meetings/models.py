"""The meetings room's models: meetings, their agenda, participants, minutes and series,
and the log of what happened to them. Every meeting kind shares one `Meeting`: coverage counts
it, the calendars room (meetings/calendars/) exports it by its stable `uid` and bumps
`sequence` on every change of time, place or status, and reminders are due relative to its
`starts_at`.

This module is also the app's models module (Django's documented way to split models): the
other rooms' models are imported at the top, so `meetings.models.Booking` keeps working and
Django registers every model of the app. Visit times, blocked periods and bookings live in
meetings/visits/models.py; calendar feeds and reminder preferences in
meetings/calendars/models.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet
from organisation.models import BilingualName, Committee, Workplace
from samspil import bounds

from .calendars.models import CalendarFeed, ReminderOptOut
from .visits.models import BlockedPeriod, Booking, HolidayOpening, VisitSlot

__all__ = [
    "AgendaItem",
    "BlockedPeriod",
    "Booking",
    "CalendarFeed",
    "HolidayOpening",
    "Meeting",
    "MeetingKind",
    "MeetingLogEntry",
    "MeetingQuerySet",
    "MeetingSeries",
    "Minutes",
    "MinutesVersion",
    "Participant",
    "ReminderOptOut",
    "VisitSlot",
]


class MeetingKind(BilingualName, models.Model):
    """Dialogue meeting, committee meeting at a workplace, visit, … — data, so a
    municipality can add its own. The four built-in slugs are constants below."""

    DIALOGUE = "dialogue"
    COMMITTEE_AT_WORKPLACE = "committee-at-workplace"
    VISIT = "visit"
    SCHOOL_DEVELOPMENT = "school-development"

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=bounds.TEXT)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    # A kind in use is never deleted (its meetings keep it); it is taken out of use instead.
    is_active = models.BooleanField(
        _("offered for new meetings"),
        default=True,
        help_text=_("Untick to stop offering the kind for new meetings. Its meetings keep it."),
    )

    class Meta:
        verbose_name = _("meeting kind")
        verbose_name_plural = _("meeting kinds")
        ordering = ["order", "name"]
        constraints = bounds.text_length_constraints(description=bounds.TEXT)

    def __str__(self) -> str:
        return self.label


class MeetingSeries(models.Model):
    """A repeating meeting in a committee's plan: "the third Wednesday of each month"
    or "every 2 weeks on Tuesday", at a local time of day. Generated meetings keep
    the local time across daylight saving changes (09:00 stays 09:00)."""

    class Frequency(models.TextChoices):
        MONTHLY_WEEKDAY = "monthly_weekday", _("the same weekday of each month")
        WEEKLY = "weekly", _("every N weeks")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="series", verbose_name=_("kind"))
    title = models.CharField(_("title"), max_length=200)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_series",
        verbose_name=_("committee"),
    )
    host = models.ForeignKey(
        Workplace,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meeting_series",
        verbose_name=_("host workplace"),
    )
    frequency = models.CharField(_("repeats"), max_length=20, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    # MONTHLY_WEEKDAY: 1–4 = first…fourth, -1 = last weekday of that kind in the month.
    week_of_month = models.SmallIntegerField(_("week of the month"), null=True, blank=True)
    # WEEKLY: every N weeks.
    interval_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    time_of_day = models.TimeField(_("local start time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    purpose = models.TextField(_("purpose"), blank=True, max_length=bounds.TEXT)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="meetingseries_ends_after_start"),
            models.CheckConstraint(condition=Q(interval_weeks__gte=1), name="meetingseries_interval_positive"),
            models.CheckConstraint(
                condition=Q(frequency="weekly") | Q(week_of_month__in=[1, 2, 3, 4, -1], frequency="monthly_weekday"),
                name="meetingseries_monthly_has_week",
            ),
            *bounds.text_length_constraints(purpose=bounds.TEXT),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingQuerySet(AuditedQuerySet):
    def upcoming(self, now=None) -> MeetingQuerySet:
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None) -> MeetingQuerySet:
        return self.filter(ends_at__lt=now or timezone.now())

    def active(self) -> MeetingQuerySet:
        return self.exclude(status=Meeting.Status.CANCELLED)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CONFIRMED = "confirmed", _("confirmed")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("kind"))
    title = models.CharField(_("title"), max_length=200)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("committee"),
    )
    host = models.ForeignKey(
        Workplace,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host workplace"),
    )
    # Other workplaces taking part (a dialogue meeting with several leaders).
    workplaces = models.ManyToManyField(
        Workplace, related_name="meetings", blank=True, verbose_name=_("other workplaces")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Leave empty to use the host workplace's address.")
    )
    purpose = models.TextField(_("purpose"), blank=True, max_length=bounds.TEXT)
    framing = models.TextField(_("framing"), blank=True, max_length=bounds.TEXT)
    nothing_at_stake = models.BooleanField(
        _("nothing at stake"),
        default=False,
        help_text=_("No budget cuts or individual cases are on the table."),
    )
    preparation_notes = models.TextField(
        _("preparation notes for staff"),
        blank=True,
        help_text=_("Shown to the staff of the workplaces taking part."),
        max_length=bounds.TEXT,
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=bounds.SHORT_TEXT)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    held_at = models.DateTimeField(_("marked as held"), null=True, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="organised_meetings",
        verbose_name=_("organiser"),
    )
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    # A workplace visit booked on a visit time: one meeting per slot, so two bookers
    # of the same slot join one meeting (the unique constraint backs the slot lock).
    visit_slot = models.OneToOneField(
        "VisitSlot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("visit time"),
    )
    # Calendars (meetings/calendars/ics.py): a stable UID, and SEQUENCE increased on each
    # change of time, place or status so Outlook and Google update the event.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
            *bounds.text_length_constraints(
                purpose=bounds.TEXT, framing=bounds.TEXT, preparation_notes=bounds.TEXT, cancel_reason=bounds.SHORT_TEXT
            ),
        ]
        indexes = [
            # My meetings / reminders: meetings starting in a window.
            models.Index(fields=["starts_at"], name="meeting_starts"),
            # A workplace's meetings, coverage per workplace.
            models.Index(fields=["host", "starts_at"], name="meeting_host_starts"),
            # A committee's plan for the year; with the id, its month index and a page's ids
            # are read from the index alone (index-only scans: 165 heap pages a read
            # for a busy committee's year, 0.4 -> 0.15 ms and 0.3 -> 0.04 ms).
            models.Index(fields=["committee", "starts_at", "id"], name="meeting_committee_starts_id"),
            # Minutes missing: held meetings by organiser.
            models.Index(fields=["organiser", "status"], name="meeting_organiser_status"),
            # The start page's "write the minutes": the organiser's meetings of the last year
            # (without it PostgreSQL ANDs the organiser's index with a year of every meeting).
            models.Index(fields=["organiser", "ends_at"], name="meeting_organiser_ends"),
            # Added (0005) for my meetings' count, WHERE ends_at >= now AND (id IN (my
            # participations) OR organiser_id = me). selectors.my_meetings now reads the
            # person's meetings by id (a UNION, 2 ms at scale) and no longer needs it; the other
            # "upcoming" filters (ends_at >= now) may: EXPLAIN them before dropping it.
            models.Index(fields=["ends_at", "starts_at"], name="meeting_ends_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", kwargs={"pk": self.pk})

    @property
    def location(self) -> str:
        """Where it happens: the place given, else the host workplace's address."""
        if self.place:
            return self.place
        if self.host_id:
            return ", ".join(part for part in (self.host.name, self.host.full_address) if part)
        return ""

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class AgendaItem(models.Model):
    class ProposedBy(models.TextChoices):
        # The school development conversation: the leader proposes topics first,
        # the committee adds its own.
        ORGANISER = "organiser", _("organiser")
        WORKPLACE = "workplace", _("workplace")
        COMMITTEE = "committee", _("committee")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=bounds.TEXT)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    presenter_text = models.CharField(
        _("presenter (free text)"), max_length=200, blank=True, help_text=_("For a presenter without an account.")
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    is_presentation = models.BooleanField(
        _("the host presents the place"), default=False, help_text=_("A presentation, a tour or access information.")
    )
    proposed_by = models.CharField(
        _("proposed by"), max_length=12, choices=ProposedBy.choices, default=ProposedBy.ORGANISER
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]
        constraints = bounds.text_length_constraints(description=bounds.TEXT)

    def __str__(self) -> str:
        return self.title

    @property
    def presenter_name(self) -> str:
        """The presenter; an erased one is no name on an agenda ("Slettet person" is for history)."""
        from accounts.privacy import erased

        if self.presenter_id and not erased(self.presenter):
            return str(self.presenter)
        return self.presenter_text


class Participant(models.Model):
    class MeetingRole(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        POLITICIAN = "politician", _("politician")
        HOST = "host", _("host")
        STAFF = "staff", _("staff")
        GUEST = "guest", _("guest")

    class Response(models.TextChoices):
        NONE = "none", _("not answered")
        YES = "yes", _("yes")
        NO = "no", _("no")
        MAYBE = "maybe", _("maybe")

    class Attendance(models.TextChoices):
        # Recorded on the minutes: who came, not who answered (coverage counts it).
        UNKNOWN = "", _("not recorded")
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_participations",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role in the meeting"), max_length=12, choices=MeetingRole.choices)
    response = models.CharField(_("reply"), max_length=8, choices=Response.choices, default=Response.NONE)
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    responded_at = models.DateTimeField(_("replied"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    # The meeting's end, copied here by the database's triggers (meetings/participant_times.py)
    # for my meetings' index; never written by the application.
    meeting_ends_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="participant_once_per_meeting"),
        ]
        indexes = [
            # My meetings: a person's participations.
            models.Index(fields=["person", "meeting"], name="participant_person_meeting"),
            # My meetings: a person's upcoming or past participations (meeting_ends_at).
            models.Index(fields=["person", "meeting_ends_at", "meeting"], name="participant_person_ends"),
            # The start page's unanswered invitations: a few rows, not all ten years' of them.
            models.Index(fields=["person", "meeting"], name="participant_unanswered", condition=Q(response="none")),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.meeting}"


class Minutes(models.Model):
    """The minutes of one meeting. Every save is a new `MinutesVersion`; once locked,
    nothing changes. `version` guards against two editors overwriting each other."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AMENDED = "amended", _("amended")
        LOCKED = "locked", _("locked")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField(_("minutes"), blank=True, max_length=bounds.MINUTES_TEXT)
    version = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Attendance (meetings/minutes.py): the participants' own marks are on Participant;
    # people without an account who came are listed here, one a line.
    other_attendees = models.TextField(_("others present"), blank=True, max_length=bounds.SHORT_TEXT)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    # Reading before the lock: the deadline the participants were asked to read by.
    read_deadline = models.DateTimeField(_("read by"), null=True, blank=True)
    read_requested_at = models.DateTimeField(_("asked to read"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        indexes = [
            # Minutes missing: held meetings whose minutes are not locked.
            models.Index(fields=["status"], name="minutes_status"),
        ]
        constraints = bounds.text_length_constraints(text=bounds.MINUTES_TEXT, other_attendees=bounds.SHORT_TEXT)

    def __str__(self) -> str:
        return f"{self.meeting} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED


class MinutesVersion(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Minutes.Status.choices)
    text = models.TextField(_("minutes"), max_length=bounds.MINUTES_TEXT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutesversion_number_unique"),
            *bounds.text_length_constraints(text=bounds.MINUTES_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.minutes.meeting} v{self.number}"


class MinutesReadRequest(models.Model):
    """A participant asked to read the draft minutes before they are locked
    (meetings/minutes.py); `read_version` is the version they read."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="read_requests")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_version = models.PositiveIntegerField(_("version read"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to read the minutes")
        verbose_name_plural = _("requests to read the minutes")
        ordering = ["minutes", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "person"], name="minutesreadrequest_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.minutes}"


class MinutesComment(models.Model):
    """A reader's comment on the draft minutes, or the correction they propose."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment or proposed correction"), max_length=bounds.SHORT_TEXT)
    version = models.PositiveIntegerField(_("on version"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on the minutes")
        verbose_name_plural = _("comments on the minutes")
        ordering = ["minutes", "created_at"]
        constraints = bounds.text_length_constraints(text=bounds.SHORT_TEXT)

    def __str__(self) -> str:
        return f"{self.author} – {self.minutes}"


class MeetingLogEntry(models.Model):
    """Who changed what and when: status changes, bookings, minutes locks."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="log")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="log")
    slot = models.ForeignKey(VisitSlot, on_delete=models.CASCADE, null=True, blank=True, related_name="log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
