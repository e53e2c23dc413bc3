"""Reads of the visits room: free visit times, a workplace's times, a member's bookings."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from organisation.models import Membership, Role, Workplace
from organisation.roles import roles_of

from ..models import Meeting
from .models import BlockedPeriod, Booking, VisitSlot


def _open_slots(now: dt.datetime) -> QuerySet[VisitSlot]:
    """Visit times in the future, not withdrawn, not inside a blocked period, with the seats taken."""
    blocked = BlockedPeriod.objects.filter(
        workplace=OuterRef("workplace"),
        starts_on__lte=OuterRef("local_date"),
        ends_on__gte=OuterRef("local_date"),
    )
    # Seats taken as a subquery, not a join with GROUP BY: grouping by every selected
    # column of slot, workplace, kind and centre made PostgreSQL plan for longer than it
    # ran (free visit times at scale).
    booked = (
        Booking.objects.filter(slot=OuterRef("pk"), status=Booking.Status.BOOKED)
        .order_by()
        .values("slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        VisitSlot.objects.filter(withdrawn_at=None, starts_at__gt=now)
        .annotate(local_date=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .annotate(blocked=Exists(blocked))
        .filter(blocked=False)
        .annotate(booked=Coalesce(Subquery(booked, output_field=IntegerField()), Value(0)))
    )


def free_visit_times(
    user,
    *,
    committee: str = "",
    kind: str = "",
    centre: str = "",
    workplace: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[VisitSlot]:
    """Free visit times at the workplaces the person may book, the least visited
    workplaces (fewest meetings held there in the last 12 months) first."""
    now = now or timezone.now()
    roles = roles_of(user)
    slots = _open_slots(now).filter(booked__lt=F("capacity"))
    if not roles.is_administrator:
        slots = slots.filter(workplace__in=Workplace.objects.filter(committees__in=roles.committee_ids).values("pk"))
    if committee:
        slots = slots.filter(workplace__in=Workplace.objects.filter(committees__slug=committee).values("pk"))
    if kind:
        slots = slots.filter(workplace__kind__slug=kind)
    if centre:
        slots = slots.filter(workplace__centre__slug=centre)
    if workplace:
        slots = slots.filter(workplace__slug=workplace)
    tz = timezone.get_current_timezone()
    if date_from:
        slots = slots.filter(starts_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        slots = slots.filter(starts_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    visits = (
        Meeting.objects.active()
        .filter(host=OuterRef("workplace"), starts_at__gte=now - dt.timedelta(days=365), starts_at__lt=now)
        .order_by()
        .values("host")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        slots.annotate(
            recent_meetings=Coalesce(Subquery(visits, output_field=IntegerField()), Value(0)),
            mine=Exists(Booking.objects.filter(slot=OuterRef("pk"), member=user, status=Booking.Status.BOOKED)),
            # Administrators see every free time but book only where they sit on a responsible
            # committee: the page shows a Book button only where booking would succeed.
            may_book=Exists(
                Workplace.committees.through.objects.filter(
                    workplace_id=OuterRef("workplace_id"), committee_id__in=roles.committee_ids
                )
            ),
        )
        .select_related("workplace", "workplace__kind", "workplace__centre")
        .order_by("recent_meetings", "workplace__name", "starts_at")
    )


def next_free_slots(workplace_id: int, *, exclude: int | None = None, limit: int = 3) -> list[VisitSlot]:
    """What the loser of a race is offered: the next free times at the same workplace."""
    now = timezone.now()
    slots = _open_slots(now).filter(workplace_id=workplace_id, booked__lt=F("capacity"))
    if exclude:
        slots = slots.exclude(pk=exclude)
    # Only times that can still be booked; the notice varies per time, so it is checked
    # here on a bounded number of rows.
    candidates = slots.select_related("workplace").order_by("starts_at")[: limit + 20]
    return [s for s in candidates if s.starts_at - dt.timedelta(hours=s.min_notice_hours) > now][:limit]


def workplace_slots(workplace, *, now: dt.datetime | None = None) -> QuerySet[VisitSlot]:
    """The leader's view: upcoming visit times with their active bookings and members."""
    now = now or timezone.now()
    blocked = BlockedPeriod.objects.filter(
        workplace=OuterRef("workplace"),
        starts_on__lte=OuterRef("local_date"),
        ends_on__gte=OuterRef("local_date"),
    )
    return (
        VisitSlot.objects.filter(workplace=workplace, ends_at__gte=now, withdrawn_at=None)
        .annotate(local_date=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .annotate(blocked=Exists(blocked))
        .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(status=Booking.Status.BOOKED).select_related("member"),
                to_attr="active_bookings",
            )
        )
        .order_by("starts_at")
    )


def my_bookings(user, *, now: dt.datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        Booking.objects.filter(member=user, status=Booking.Status.BOOKED, slot__ends_at__gte=now)
        .select_related("slot", "slot__workplace", "slot__meeting")
        .order_by("slot__starts_at")
    )


def workplace_leaders(workplace_id: int) -> list:
    return [
        membership.person
        for membership in Membership.objects.current()
        .filter(workplace_id=workplace_id, role=Role.WORKPLACE_LEADER)
        .select_related("person")
    ]


def my_ended_booking(user, meeting) -> Booking | None:
    """The person's cancelled or moved booking of a visit they no longer take part in."""
    if meeting.visit_slot_id is None or not user.is_authenticated:
        return None
    latest = (
        Booking.objects.filter(slot_id=meeting.visit_slot_id, member=user)
        .select_related("moved_to__slot__meeting")
        .order_by("-created_at")
        .first()
    )
    return latest if latest is not None and latest.status != Booking.Status.BOOKED else None
