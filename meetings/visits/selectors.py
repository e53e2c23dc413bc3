"""Reads of the visits room: free visit times, a workplace's times, a member's bookings."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from organisation.models import BilingualName, Membership, Role, Workplace
from organisation.roles import roles_of
from portal.rawsql import literal
from samspil import compiled, daysoff
from samspil.db import ONE_PLAN
from samspil.paging import page_number

from ..models import Meeting
from .models import BlockedPeriod, Booking, HolidayOpening, VisitSlot


def _open_slots(now: dt.datetime) -> QuerySet[VisitSlot]:
    """Visit times in the future, not withdrawn, not inside a blocked period, with the seats taken."""
    blocked = BlockedPeriod.objects.filter(
        workplace=OuterRef("workplace"),
        starts_on__lte=OuterRef("local_date"),
        ends_on__gte=OuterRef("local_date"),
    )
    # The municipality's closed days (samspil/daysoff.py) for the coming years, computed here:
    # a slot on one is left out unless its workplace opened the day.
    today = timezone.localtime(now).date()
    closed = list(daysoff.closed_days(today, today + dt.timedelta(days=3 * 366)))
    opened = HolidayOpening.objects.filter(workplace=OuterRef("workplace"), day=OuterRef("local_date"))
    return (
        VisitSlot.objects.filter(withdrawn_at=None, starts_at__gt=now)
        .annotate(local_date=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .annotate(blocked=Exists(blocked))
        .filter(blocked=False)
        .filter(~Q(local_date__in=closed) | Exists(opened))
        .annotate(booked=seats_taken())
    )


def seats_taken():
    """Seats taken on a slot: its bookings and the seats kept for proposals to it.
    Subqueries, not a join with GROUP BY: grouping by every selected column of slot,
    workplace, kind and centre made PostgreSQL plan for longer than it ran (free visit
    times at scale)."""
    booked = (
        Booking.objects.filter(slot=OuterRef("pk"), status=Booking.Status.BOOKED)
        .order_by()
        .values("slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    kept = (
        Booking.objects.filter(proposed_slot=OuterRef("pk"), status=Booking.Status.PROPOSED)
        .order_by()
        .values("proposed_slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(booked, output_field=IntegerField()), Value(0)) + Coalesce(
        Subquery(kept, output_field=IntegerField()), Value(0)
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


# --- The page of free visit times ---------------------------------------------------------

# What a row of meetings/_free_times.jinja reads, in this order: the time, its workplace,
# the workplace's kind and centre, and the annotations of free_visit_times.
_FREE_TIME_ROW = (
    "pk",
    "starts_at",
    "ends_at",
    "capacity",
    "min_notice_hours",
    "note",
    "workplace__name",
    "workplace__slug",
    "workplace__kind__name",
    "workplace__kind__name_en",
    "workplace__centre__name",
    "booked",
    "recent_meetings",
    "mine",
    "may_book",
)

# free_visit_times (with _open_slots and seats_taken) as one statement for PostgreSQL,
# `COUNT(*) OVER ()` for the paginator. Building that queryset and compiling it cost
# Django more than PostgreSQL spent planning and running it (issue 19: ≈ 10 ms of the
# page's Python at scale); tests/meetings/test_visit_times.py runs every filter through
# both, and SQLite always takes the queryset.
_FREE_TIMES_SQL = """
WITH s AS (
  SELECT s.id, s.workplace_id, s.starts_at, s.ends_at, s.capacity, s.min_notice_hours, s.note,
         (s.starts_at AT TIME ZONE %(tz)s)::date AS local_date,
         COALESCE((SELECT count(*) FROM meetings_booking b WHERE b.slot_id = s.id AND b.status = {booked}), 0)
         + COALESCE((SELECT count(*) FROM meetings_booking b
                     WHERE b.proposed_slot_id = s.id AND b.status = {proposed}), 0) AS booked
  FROM meetings_visitslot s
  WHERE s.withdrawn_at IS NULL AND s.starts_at > %(now)s{slot_filters}
)
SELECT s.id, s.starts_at, s.ends_at, s.capacity, s.min_notice_hours, s.note,
       w.name, w.slug, k.name, k.name_en, c.name, s.booked,
       (SELECT count(*) FROM meetings_meeting m
        WHERE m.host_id = s.workplace_id AND NOT (m.status = {cancelled})
          AND m.starts_at >= %(year_ago)s AND m.starts_at < %(now)s) AS recent_meetings,
       EXISTS(SELECT 1 FROM meetings_booking b
              WHERE b.slot_id = s.id AND b.member_id = %(user)s AND b.status = {booked}) AS mine,
       EXISTS(SELECT 1 FROM organisation_workplace_committees wc
              WHERE wc.workplace_id = s.workplace_id AND wc.committee_id = ANY(%(committees)s)) AS may_book,
       count(*) OVER () AS total
FROM s
JOIN organisation_workplace w ON w.id = s.workplace_id
JOIN organisation_workplacekind k ON k.id = w.kind_id
LEFT JOIN organisation_centre c ON c.id = w.centre_id
WHERE s.booked < s.capacity
  AND NOT EXISTS(SELECT 1 FROM meetings_blockedperiod p
                 WHERE p.workplace_id = s.workplace_id AND p.starts_on <= s.local_date AND p.ends_on >= s.local_date)
  AND (NOT (s.local_date = ANY(%(closed)s))
       OR EXISTS(SELECT 1 FROM meetings_holidayopening o WHERE o.workplace_id = s.workplace_id AND o.day = s.local_date))
  {workplace_filters}
ORDER BY recent_meetings, w.name, s.starts_at
LIMIT {limit} OFFSET %(offset)s {one_plan}"""


class FreeTime:
    """A row of the page of free visit times: what the template and the view read of a
    VisitSlot (`pk`, times, `workplace.name`, `.slug`, `.kind.label`, `.centre.name`) and
    the annotations, without a model instance per table."""

    __slots__ = (
        "book_url",
        "book_when",
        "booked",
        "capacity",
        "ends_at",
        "may_book",
        "min_notice_hours",
        "mine",
        "note",
        "pk",
        "recent_label",
        "recent_meetings",
        "starts_at",
        "too_late",
        "when_label",
        "workplace",
    )

    @property
    def id(self) -> int:
        return self.pk


class _Kind(BilingualName):
    __slots__ = ("name", "name_en")

    def __init__(self, name: str, name_en: str):
        self.name, self.name_en = name, name_en

    def __str__(self) -> str:
        return self.label


class _Place:
    __slots__ = ("centre", "kind", "name", "slug", "url")

    def __init__(self):
        self.url = None

    def __str__(self) -> str:
        return self.name


class _Centre:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name


def _free_time_rows(rows) -> list[FreeTime]:
    places: dict[str, _Place] = {}
    found = []
    for pk, starts, ends, capacity, notice, note, name, slug, kind, kind_en, centre, booked, recent, mine, may in rows:
        place = places.get(slug)
        if place is None:
            place = places[slug] = _Place()
            place.name, place.slug, place.kind = name, slug, _Kind(kind, kind_en)
            place.centre = None if centre is None else _Centre(centre)
        row = FreeTime()
        row.pk, row.starts_at, row.ends_at, row.capacity, row.min_notice_hours = pk, starts, ends, capacity, notice
        row.note, row.workplace, row.booked, row.recent_meetings, row.mine, row.may_book = (
            note,
            place,
            booked,
            recent,
            mine,
            may,
        )
        found.append(row)
    return found


def _free_times_sql(user, filters: dict, now: dt.datetime, limit: int, offset: int) -> tuple[list, int | None]:
    """(rows of _FREE_TIME_ROW, how many times match or None when no row was read) on PostgreSQL."""
    roles = roles_of(user)
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    params = {
        "tz": timezone.get_current_timezone_name(),
        "now": now,
        "year_ago": now - dt.timedelta(days=365),
        "user": user.pk,
        "committees": sorted(roles.committee_ids),
        "closed": list(daysoff.closed_days(today, today + dt.timedelta(days=3 * 366))),
        "offset": offset,
    }
    slot_filters, workplace_filters = [], []
    if not roles.is_administrator:
        slot_filters.append(
            "s.workplace_id IN (SELECT wc.workplace_id FROM organisation_workplace_committees wc"
            " WHERE wc.committee_id = ANY(%(committees)s))"
        )
    if filters.get("committee"):
        params["committee"] = filters["committee"]
        slot_filters.append(
            "s.workplace_id IN (SELECT wc.workplace_id FROM organisation_workplace_committees wc"
            " JOIN organisation_committee cc ON cc.id = wc.committee_id WHERE cc.slug = %(committee)s)"
        )
    if filters.get("date_from"):
        params["date_from"] = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz)
        slot_filters.append("s.starts_at >= %(date_from)s")
    if filters.get("date_to"):
        params["date_to"] = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        slot_filters.append("s.starts_at < %(date_to)s")
    for name, column in (("kind", "k.slug"), ("centre", "c.slug"), ("workplace", "w.slug")):
        if filters.get(name):
            params[name] = filters[name]
            workplace_filters.append(f"AND {column} = %({name})s")
    sql = _FREE_TIMES_SQL.format(
        slot_filters="".join(f" AND {condition}" for condition in slot_filters),
        workplace_filters=" ".join(workplace_filters),
        # The statuses and the page size as literals: PostgreSQL can then plan the prepared
        # statement once for every request (portal.rawsql.literal).
        booked=literal(Booking.Status.BOOKED),
        proposed=literal(Booking.Status.PROPOSED),
        cancelled=literal(Meeting.Status.CANCELLED),
        limit=int(limit),
        # Planned once per connection: 4 ms of planning a request for the custom plan,
        # the generic plan no slower to run (samspil/db.py).
        one_plan=ONE_PLAN,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[:-1] for row in rows], (rows[0][-1] if rows else None)


def _free_times_orm(user, filters: dict, now: dt.datetime, limit: int, offset: int) -> tuple[list, int | None]:
    """The same from free_visit_times' queryset (SQLite, and any database but PostgreSQL)."""
    rows = list(
        free_visit_times(user, now=now, **filters)
        .annotate(paging_total=Window(Count("*")))
        .values_list(*_FREE_TIME_ROW, "paging_total")[offset : offset + limit]
    )
    return [row[:-1] for row in rows], (rows[0][-1] if rows else None)


def free_times_page(user, filters: dict, per_page: int, number) -> Page:
    """The page of free_visit_times(user, **filters) as FreeTime rows: what
    `meetings.selectors.page_of(free_visit_times(...), per_page, number)` gives (a page
    past the end or below 1 is the last page), in one query when the page is in range."""
    filters = {name: value for name, value in filters.items() if value}
    read = _free_times_sql if connection.vendor == "postgresql" else _free_times_orm
    now = timezone.now()
    number = page_number(number)
    rows, total = [], None
    if number >= 1:
        rows, total = read(user, filters, now, per_page, (number - 1) * per_page)
    if total is None and number != 1:
        # Past the end or below 1: the last page, as Paginator.get_page answers.
        total = read(user, filters, now, 1, 0)[1] or 0
        number = max(1, -(-total // per_page))
        rows, _total = read(user, filters, now, per_page, (number - 1) * per_page)
    paginator = Paginator([], per_page)
    paginator.count = total or 0
    return Page(_free_time_rows(rows), number, paginator)


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
        .annotate(booked=seats_taken())
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(status=Booking.Status.BOOKED).select_related("member"),
                to_attr="active_bookings",
            ),
            Prefetch(
                "proposals",
                queryset=Booking.objects.filter(status=Booking.Status.PROPOSED).select_related("member", "slot"),
                to_attr="open_proposals",
            ),
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


def my_booking_rows(user, columns: tuple[str, ...], *, limit: int) -> list[dict]:
    """The first `limit` of my_bookings as value rows of `columns`, the query built and
    compiled once per process (samspil/compiled.py): building it cost more than running it."""

    def build(values: dict) -> QuerySet:
        return my_bookings(values["person"], now=values["now"]).values(*columns)[:limit]

    return compiled.values_rows(("my bookings", columns, limit), build, person=user.pk, now=timezone.now())


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


def move_options(booking: Booking, *, limit: int = 30) -> list[VisitSlot]:
    """The times a booking can move to: the workplace's next free times, without the ones the
    member already holds and those overlapping another of their visits (issue 16, point 3)."""
    others = list(
        Booking.objects.filter(member_id=booking.member_id, status=Booking.Status.BOOKED)
        .exclude(pk=booking.pk)
        .values_list("slot__starts_at", "slot__ends_at")
    )
    candidates = next_free_slots(booking.slot.workplace_id, exclude=booking.slot_id, limit=limit + len(others))
    return [
        slot for slot in candidates if not any(start < slot.ends_at and end > slot.starts_at for start, end in others)
    ][:limit]


def visit_bookings(meeting) -> list[Booking]:
    """The active bookings of a visit meeting, with their members and purposes (the page)."""
    if meeting.visit_slot_id is None:
        return []
    return list(
        Booking.objects.filter(slot_id=meeting.visit_slot_id, status=Booking.Status.BOOKED)
        .select_related("member", "slot__workplace")
        .order_by("created_at")
    )


def coming_holidays(workplace, *, days: int = 365) -> list[dict]:
    """The closed days of the coming year (samspil/daysoff.py) and whether the workplace
    opened each for visits: the leader's list under Holidays."""
    today = timezone.localdate()
    closed = daysoff.closed_days(today, today + dt.timedelta(days=days))
    opened = set(HolidayOpening.objects.filter(workplace=workplace, day__in=list(closed)).values_list("day", flat=True))
    return [{"day": day, "name": name, "opened": day in opened} for day, name in closed.items()]
