"""Reads: which meetings and visit times a person sees, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractMonth, TruncDate
from django.utils import timezone

from organisation.models import Membership, Role, Workplace
from organisation.roles import roles_of

from .models import BlockedPeriod, Booking, Meeting, Participant, VisitSlot


def meetings_visible_to(user, meetings: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    """Every meeting the person may open: the same rule as meetings.view_meeting.
    Given `meetings`, the rule narrows those (a filter on the same rows, so PostgreSQL
    can use the caller's index instead of testing all meetings against the rule)."""
    roles = roles_of(user)
    meetings = Meeting.objects.all() if meetings is None else meetings
    if roles.is_leadership:
        return meetings
    if not user.is_authenticated:
        return meetings.none()
    rule = Q(pk__in=Participant.objects.filter(person=user).values("meeting_id")) | Q(organiser=user)
    if roles.committee_ids:
        rule |= Q(committee_id__in=roles.committee_ids)
    if roles.staff_workplace_ids:
        rule |= Q(host_id__in=roles.staff_workplace_ids)
        rule |= Q(
            pk__in=Meeting.workplaces.through.objects.filter(workplace_id__in=roles.staff_workplace_ids).values(
                "meeting_id"
            )
        )
    if roles.headed_centre_ids:
        rule |= Q(host__centre_id__in=roles.headed_centre_ids)
    return meetings.filter(rule)


def _listed(meetings: QuerySet[Meeting], user=None) -> QuerySet[Meeting]:
    """The columns a meeting list shows: kind, host, committee, participant count, my reply."""
    meetings = meetings.select_related("kind", "host", "committee").annotate(
        participant_count=Coalesce(
            Subquery(
                Participant.objects.filter(meeting=OuterRef("pk"))
                .order_by()
                .values("meeting")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )
    )
    if user is not None and user.is_authenticated:
        meetings = meetings.annotate(
            # order_by(): the model's ordering would join meeting and person for nothing.
            my_response=Subquery(
                Participant.objects.filter(meeting=OuterRef("pk"), person=user).order_by().values("response")[:1]
            )
        )
    return meetings


def my_meetings(user, *, past: bool = False, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings the person takes part in or organises; upcoming soonest first, past latest first."""
    now = now or timezone.now()
    # One id list (a UNION) rather than "participant OR organiser": with the OR, PostgreSQL
    # can only test each meeting against the person's participations, so it walked
    # meeting_starts from ten years back to find 20 upcoming ones (94,000 rows, 190 ms
    # at scale). The UNION is a semi-join: the person's few hundred meetings by primary
    # key, then the time filter and a top-N sort (2 ms).
    mine = Meeting.objects.filter(
        pk__in=Participant.objects.filter(person=user)
        .order_by()
        .values("meeting_id")
        .union(Meeting.objects.filter(organiser=user).order_by().values("pk"))
    )
    mine = mine.filter(ends_at__lt=now) if past else mine.filter(ends_at__gte=now)
    return _listed(mine, user).order_by("-starts_at" if past else "starts_at")


def _plan_year(committee, year: int, user) -> QuerySet[Meeting]:
    """The committee's meetings in a local calendar year that the person may see."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    meetings = Meeting.objects.filter(committee=committee, starts_at__gte=start, starts_at__lt=end)
    return meetings if user is None else meetings_visible_to(user, meetings)


def committee_plan(committee, *, year: int, user=None) -> QuerySet[Meeting]:
    """The year's meetings in order, each with its local month (the plan's headings)."""
    return (
        _listed(_plan_year(committee, year, user), user)
        .annotate(month=ExtractMonth("starts_at"))
        .order_by("starts_at", "pk")
    )


def committee_plan_months(committee, *, year: int, user=None) -> list[tuple[int, int]]:
    """(local month, meetings) for the months of the year that have meetings, in order:
    the plan's month index and its page count in one query (meeting_committee_starts)."""
    rows = (
        _plan_year(committee, year, user)
        .order_by()
        .annotate(month=ExtractMonth("starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [(row["month"], row["n"]) for row in rows]


def workplace_meetings(workplace, *, user, past: bool = False) -> QuerySet[Meeting]:
    now = timezone.now()
    # A UNION of ids, as in my_meetings: "host OR other workplace" made PostgreSQL walk
    # meeting_starts through all 100,000 meetings (250 ms at scale) for a workplace's 50.
    ids = (
        Meeting.objects.filter(host=workplace)
        .order_by()
        .values("pk")
        .union(Meeting.workplaces.through.objects.filter(workplace=workplace).order_by().values("meeting_id"))
    )
    roles = roles_of(user)
    if roles.is_leadership or workplace.pk in roles.staff_workplace_ids:
        # They may open all of the workplace's meetings (the rule in meetings_visible_to).
        meetings = Meeting.objects.filter(pk__in=ids)
    else:
        # Anyone else: the rule's ORs on the workplace's meetings, read first (one query,
        # ~50 ids at Copenhagen size). Given the ids as a subquery, PostgreSQL misjudged
        # the rule and tested all 100,000 meetings against it (50–200 ms).
        meetings = meetings_visible_to(user, Meeting.objects.filter(pk__in=[row["pk"] for row in ids]))
    meetings = meetings.filter(ends_at__lt=now) if past else meetings.filter(ends_at__gte=now)
    return _listed(meetings, user).order_by("-starts_at" if past else "starts_at")


def meeting_participants(meeting) -> QuerySet[Participant]:
    return meeting.participants.select_related("person").order_by("role", "person__full_name")


def bookable_workplaces(user) -> QuerySet[Workplace]:
    roles = roles_of(user)
    workplaces = Workplace.objects.filter(is_active=True)
    if roles.is_administrator:
        return workplaces
    return workplaces.filter(committees__in=roles.committee_ids).distinct()


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
