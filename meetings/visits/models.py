"""The visits room's models: the times a workplace leader offers for visits, the periods a
workplace takes none, and the committee members' bookings.

A `Booking` of a `VisitSlot` creates or joins the slot's workplace-visit `Meeting` (the
meetings room's model, meetings/models.py). The database guarantees no slot is over-booked
and no member double-booked (meetings/visits/services.py, visit_book). This module imports
no other room: Django collects it through meetings/models.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet
from organisation.models import Workplace
from samspil import bounds


class VisitSlot(models.Model):
    """A time a workplace leader offers for visits, for up to `capacity` politicians."""

    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="visit_slots", verbose_name=_("workplace")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1, help_text=_("How many politicians."))
    min_notice_hours = models.PositiveIntegerField(
        _("minimum notice (hours)"), default=48, help_text=_("Bookings close this many hours before the start.")
    )
    note = models.CharField(_("note for visitors"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Times published together ("every Tuesday for 6 weeks") share a series id.
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit time")
        verbose_name_plural = _("visit times")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="visitslot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visitslot_capacity_positive"),
        ]
        indexes = [
            # Free times across workplaces: open slots from now on.
            models.Index(fields=["starts_at"], name="visitslot_open_starts", condition=Q(withdrawn_at=None)),
            # Overlap check for a workplace's times.
            models.Index(fields=["workplace", "starts_at"], name="visitslot_workplace_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.workplace} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class BlockedPeriod(models.Model):
    """Days a workplace takes no visits (holidays, exams); both dates included."""

    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, related_name="blocked_periods", verbose_name=_("workplace")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("blocked period")
        verbose_name_plural = _("blocked periods")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="blockedperiod_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.workplace}: {self.starts_on}–{self.ends_on}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        MOVED = "moved", _("moved")

    slot = models.ForeignKey(VisitSlot, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("visit time"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_bookings", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    reason = models.TextField(_("reason"), blank=True, max_length=bounds.SHORT_TEXT)
    moved_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("moved to")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    ended_at = models.DateTimeField(_("cancelled or moved"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        constraints = [
            # One active booking per member and slot, whatever the application does.
            models.UniqueConstraint(
                fields=["slot", "member"], condition=Q(status="booked"), name="booking_active_once_per_member"
            ),
            *bounds.text_length_constraints(reason=bounds.SHORT_TEXT),
        ]
        indexes = [
            # Seats taken on a slot; a member's active bookings (overlap check).
            models.Index(fields=["slot", "status"], name="booking_slot_status"),
            models.Index(fields=["member", "status"], name="booking_member_status"),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED
