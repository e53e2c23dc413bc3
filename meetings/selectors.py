"""Reads of the meetings room: which meetings a person sees, in a fixed number of queries.
Visit times and bookings are read in meetings/visits/selectors.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from cases.permissions import cases_visible_with
from cases.selectors import PlanCase, plan_cases, plan_cases_column, plan_cases_of
from organisation.roles import roles_of
from samspil import compiled
from samspil.compiled import CompiledQuery, StandIns
from samspil.paging import page_number

from .models import Booking, Meeting, Participant


def meetings_visible_to(user, meetings: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    """Every meeting the person may open: the same rule as meetings.view_meeting.
    Given `meetings`, the rule narrows those (a filter on the same rows, so PostgreSQL
    can use the caller's index instead of testing all meetings against the rule)."""
    meetings = Meeting.objects.all() if meetings is None else meetings
    if not user.is_authenticated:
        return meetings.none()
    return _visible(meetings, user.pk, roles_of(user))


def _visible(meetings: QuerySet[Meeting], person_id: int, roles) -> QuerySet[Meeting]:
    """meetings_visible_to for a signed-in person given by id and roles (a compiled read's
    stand-ins, samspil/compiled.py)."""
    if roles.is_leadership:
        return meetings
    return meetings.filter(visible_rule(person_id, roles))


def visible_rule(person_id: int, roles) -> Q:
    """meetings_visible_to's rule for a person who is not leadership. The SQL it makes
    depends only on which of the role sets are empty and their sizes, never on the ids
    themselves (calendars/selectors.py compiles it once per such shape)."""
    rule = Q(pk__in=Participant.objects.filter(person_id=person_id).values("meeting_id")) | Q(organiser_id=person_id)
    # A visit the person booked stays theirs after they cancelled or moved it: their
    # history and the cancellation email keep leading to its page.
    rule |= Q(visit_slot_id__in=Booking.objects.filter(member_id=person_id).values("slot_id"))
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
    return rule


# What a row of a meeting list shows (meetings/_meeting_list.jinja, _plan_meetings.jinja),
# read as values with `_listed`'s annotations: my meetings, a workplace's meetings and a
# committee's plan, one set of columns and one set of labels (views.label_rows).
LIST_VALUES = (
    "pk",
    "title",
    "starts_at",
    "ends_at",
    "status",
    "cancelled_at",
    "kind__name",
    "kind__name_en",
    "host__name",
    "participant_count",
)


def list_values(meetings: QuerySet[Meeting], person_id: int | None = None, *extra: str) -> QuerySet:
    """A meeting list's rows as dicts (LIST_VALUES, the person's own reply, `extra`) rather
    than three model instances a row (the meeting, its kind and host)."""
    mine = ("my_response",) if person_id is not None else ()
    return meetings.values(*LIST_VALUES, *mine, *extra)


def person_id_of(user) -> int | None:
    """The reader's id for list_values and _listed: None for someone not signed in."""
    return user.pk if user is not None and user.is_authenticated else None


def _listed(meetings: QuerySet[Meeting], person_id: int | None = None) -> QuerySet[Meeting]:
    """The columns a meeting list shows: participant count and my reply (`list_values`
    reads kind, host and committee through their joins)."""
    counts = Coalesce(
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
    if person_id is None:
        return meetings.annotate(participant_count=counts)
    return meetings.annotate(
        participant_count=counts,
        # order_by(): the model's ordering would join meeting and person for nothing.
        my_response=Subquery(
            Participant.objects.filter(meeting=OuterRef("pk"), person_id=person_id).order_by().values("response")[:1]
        ),
    )


def my_meetings(person_id: int, *, past: bool = False, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings the person takes part in or organises; upcoming soonest first, past latest first."""
    now = now or timezone.now()
    # One id list (a UNION) rather than "participant OR organiser": with the OR, PostgreSQL
    # can only test each meeting against the person's participations, so it walked
    # meeting_starts from ten years back to find 20 upcoming ones (94,000 rows, 190 ms
    # at scale). The UNION is a semi-join: the person's meetings by primary key, then the
    # time filter and a top-N sort. The participations are narrowed first by their own copy
    # of the meeting's end (meetings/participant_times.py): a member's 70 upcoming of 520,
    # instead of a look-up of every meeting (0.6 ms at scale, not 1.9).
    ends = {"meeting_ends_at__lt" if past else "meeting_ends_at__gte": now}
    ids = (
        Participant.objects.filter(person_id=person_id, **ends)
        .order_by()
        .values("meeting_id")
        .union(
            Meeting.objects.filter(organiser_id=person_id).order_by().values("pk"),
            # Visits they booked, also once cancelled or moved (they stay in the history).
            Meeting.objects.filter(visit_slot_id__in=Booking.objects.filter(member_id=person_id).values("slot_id"))
            .order_by()
            .values("pk"),
        )
    )
    when = Q(ends_at__lt=now) if past else Q(ends_at__gte=now)
    mine = Meeting.objects.filter(when, pk__in=ids).order_by("-starts_at" if past else "starts_at")
    return _listed(mine, person_id).annotate(
        # The person's own booking of a visit: a cancelled or moved one says so in the list.
        my_booking_status=Subquery(
            Booking.objects.filter(slot_id=OuterRef("visit_slot_id"), member_id=person_id)
            .order_by("-created_at")
            .values("status")[:1]
        )
    )


def my_meetings_page(user, *, past: bool, per_page: int, number) -> Page:
    """A page of my meetings as a list's rows (with the committee and my booking's state)
    and their total, in one query built and compiled once per process (samspil/compiled.py):
    building it cost more than running it."""

    def build(values: dict) -> QuerySet:
        meetings = my_meetings(values["person"], past=past, now=values["now"])
        return list_values(meetings, values["person"], "committee__name", "my_booking_status")

    return compiled_page_of(("my meetings", past), build, per_page, number, person=user.pk, now=timezone.now())


def names_and_slugs(model: type[Model], ids: Collection[int]) -> list[dict]:
    """The pk, name and slug of these committees or workplaces in the model's order, the
    query compiled once per process and number of ids; no query for none."""
    if not ids:
        return []

    def build(values: dict) -> QuerySet:
        return model.objects.filter(pk__in=values["ids"]).values("pk", "name", "slug")

    return compiled.values_rows(("names and slugs", model._meta.label), build, ids=ids)


class CommitteePlan:
    """The committee's meetings in a local calendar year that the person may see: the
    plan's month index and a page of its rows, each read built and compiled once per
    process and shape of the reader's roles (samspil/compiled.py)."""

    def __init__(self, committee, *, year: int, user) -> None:
        tz = timezone.get_current_timezone()
        self.user = user
        self.roles = roles_of(user)
        # The role sets the rule reads (visible_rule); leadership's reads have no rule.
        sets = {} if self.roles.is_leadership else _role_sets(self.roles)
        self.values = {
            "committee": committee.pk,
            "start": dt.datetime(year, 1, 1, tzinfo=tz),
            "end": dt.datetime(year + 1, 1, 1, tzinfo=tz),
            "person": user.pk,
            **sets,
        }

    def _year(self, values: dict) -> QuerySet[Meeting]:
        meetings = Meeting.objects.filter(
            committee_id=values["committee"], starts_at__gte=values["start"], starts_at__lt=values["end"]
        )
        if self.roles.is_leadership:  # they see every meeting (meetings_visible_to)
            return meetings
        roles = dataclasses.replace(self.roles, **{name: values[name] for name in _ROLE_SET_NAMES})
        return _visible(meetings, values["person"], roles)

    def months(self) -> list[tuple[int, int]]:
        """(local month, meetings) for the months of the year that have meetings, in order:
        the plan's month index and its page count in one query (meeting_committee_starts)."""

        def build(values: dict) -> QuerySet:
            return (
                self._year(values)
                .order_by()
                .annotate(month=ExtractMonth("starts_at"))
                .values("month")
                .annotate(n=Count("pk"))
                .order_by("month")
            )

        values = self.values
        if self.roles.is_leadership:  # no rule, and the months have no reply of the person's
            values = {name: value for name, value in values.items() if name != "person"}
        rows = compiled.values_rows(("plan months", self.roles.is_leadership), build, **values)
        return [(row["month"], row["n"]) for row in rows]

    def rows(self, bottom: int, top: int) -> list[dict]:
        """The year's meetings bottom:top in order, each with its local month (the plan's
        headings), as the plan's rows: a meeting list's values (`list_values`), not model
        instances (40 meetings with kind and host were 120 instances a page). The
        committee's name is the plan's own."""

        # On PostgreSQL each row carries its committee cases (cases.selectors.plan_cases_column,
        # read by `cases`): the cases' rule reads the reader's role sets and today's date.
        with_cases = connection.vendor == "postgresql" and self._sees_cases()
        values = self.values
        if with_cases:
            sets = {} if self.roles.is_leadership else _case_role_sets(self.roles)
            values = {**values, **sets, "today": timezone.localdate()}

        def build(values: dict) -> QuerySet:
            # The page's ids first, then their columns: with the columns (two subqueries
            # a row, the host's join) on the year's rows, PostgreSQL worked them out for
            # every row up to the page's end (160 rows for December's page of 40) and
            # hashed all 2,000 workplaces for the hosts' names.
            page = self._year(values).order_by("starts_at", "pk").values("pk")[bottom:top]
            meetings = _listed(Meeting.objects.filter(pk__in=page), values["person"])
            meetings = meetings.annotate(month=ExtractMonth("starts_at")).order_by("starts_at", "pk")
            extra = ["month"]
            if with_cases:
                readers = (
                    dataclasses.replace(self.roles, **{name: values[name] for name in _CASE_ROLE_SET_NAMES})
                    if not self.roles.is_leadership
                    else self.roles
                )
                meetings = meetings.annotate(plan_cases=plan_cases_column(readers, values["today"]))
                extra.append("plan_cases")
            return list_values(meetings, values["person"], *extra)

        key = ("plan rows", self.roles.is_leadership, with_cases, bottom, top)
        return compiled.values_rows(key, build, **values)

    def _sees_cases(self) -> bool:
        # cases_visible_with is .none() for someone who sees no case: no column then.
        return self.roles.is_leadership or not cases_visible_with(self.roles).query.is_empty()

    def cases(self, rows: list[dict]) -> dict[int, list[PlanCase]]:
        """The committee cases of the page's `rows` that the person may see, by meeting
        (cases.selectors.plan_cases): read with the rows on PostgreSQL, else one query."""
        if connection.vendor == "postgresql":
            return plan_cases_of(rows)
        return plan_cases(self.user, [row["pk"] for row in rows])


# The role sets visible_rule reads: a compiled read fills them in (their sizes shape its SQL).
_ROLE_SET_NAMES = ("committee_ids", "staff_workplace_ids", "headed_centre_ids")


def _role_sets(roles) -> dict[str, frozenset[int]]:
    return {name: getattr(roles, name) for name in _ROLE_SET_NAMES}


# The role sets the cases' rule reads (cases.permissions.cases_visible_with), for the rows'
# cases column: filled in beside the meetings' own.
_CASE_ROLE_SET_NAMES = (
    "committee_ids",
    "chaired_committee_ids",
    "secretary_committee_ids",
    "staff_workplace_ids",
    "headed_centre_ids",
)


def _case_role_sets(roles) -> dict[str, frozenset[int]]:
    return {name: getattr(roles, name) for name in _CASE_ROLE_SET_NAMES}


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
    return _listed(meetings, person_id_of(user)).order_by("-starts_at" if past else "starts_at")


def meeting_participants(meeting: Meeting) -> list[Participant]:
    """The meeting's participants with their people, by role and name."""
    compiled = _PARTICIPANT_QUERIES.get(connection.vendor)
    if compiled is None:
        # Compiled once (samspil/compiled.py): building it cost more than running it.
        stand_ins = StandIns()
        participants = Meeting(pk=stand_ins.id("meeting")).participants
        compiled = CompiledQuery(participants.select_related("person").order_by("role", "person__full_name"), stand_ins)
        _PARTICIPANT_QUERIES[connection.vendor] = compiled
    return compiled.instances({"meeting": meeting.pk}, related={"meeting": meeting})


_PARTICIPANT_QUERIES: dict[str, CompiledQuery] = {}


# --- Pages of lists --------------------------------------------------------------------

# A page of a list and the list's length in one query.
#
# Django's Paginator asks COUNT(*) first and then the page's rows: two round trips, and
# PostgreSQL plans and runs the list's filters twice. Here the rows carry the length
# (`COUNT(*) OVER ()`, computed before the LIMIT), so a page in range costs one query.
# A page past the end (or below 1) falls back to the Paginator's own answer: the last page,
# as Paginator.get_page gives, for one more query.
_TOTAL = "paging_total"


def page_of(queryset: QuerySet, per_page: int, number) -> Page:
    """What Paginator(queryset, per_page).get_page(number) gives, in one query when the
    page is in range."""

    def rows(bottom: int) -> list:
        return list(queryset.annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + per_page])

    return _page(rows, lambda: queryset, per_page, number)


def compiled_page_of(key: tuple, build: Callable[[dict], QuerySet], per_page: int, number, **values) -> Page:
    """page_of(build(values), per_page, number) for a values() queryset, its query built
    and compiled once per process for each key, page and shape of `values`
    (samspil/compiled.values_rows)."""

    def rows(bottom: int) -> list[dict]:
        def page(stand_ins: dict) -> QuerySet:
            return build(stand_ins).annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + per_page]

        return compiled.values_rows((*key, bottom, per_page), page, **values)

    return _page(rows, lambda: build(values), per_page, number)


def _page(rows_from: Callable[[int], list], queryset: Callable[[], QuerySet], per_page: int, number) -> Page:
    """page_of's paging: a page in range from its rows with the total, anything else as
    Paginator.get_page answers it (on `queryset()`)."""
    number = page_number(number)
    if number >= 1:
        rows = rows_from((number - 1) * per_page)
        # The Paginator only counts here (Page asks it for the total): no list for it to read.
        paginator = Paginator((), per_page)
        if rows:
            first = rows[0]
            paginator.count = first[_TOTAL] if isinstance(first, dict) else getattr(first, _TOTAL)
            return Page(rows, number, paginator)
        if number == 1:
            paginator.count = 0
            return Page(rows, number, paginator)
    return Paginator(queryset(), per_page).get_page(number)
