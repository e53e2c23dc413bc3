"""Reads for the case pages, the agenda view, the start page and the figures.
Each runs a fixed number of queries whatever the number of cases or hearings."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject
from django.utils import formats, timezone

from coverage.selectors import cache_seconds
from meetings.models import Meeting
from organisation.roles import roles_of
from samspil import compiled
from samspil.compiled import CompiledQueries, CompiledQuery, StandIns, id_sets, stand_in_sets
from samspil.paging import page_number, total_of

from . import freshness
from .models import Case, CaseTally, Contribution, Hearing, HearingFigure, HearingInvitee
from .permissions import cases_visible_to, cases_visible_with

STATE_ORDER = ("overdue", "open", "overridden", "answered", "no_comments")


def case_list(user, *, status: str = "", committee_id: int | None = None, roles=None) -> QuerySet[Case]:
    """The cases the person may see, filtered: the case list counts its pages from this.
    `roles`: the reader's roles, when given (stand-ins: case_list_page), else the user's."""
    cases = cases_visible_to(user) if roles is None else cases_visible_with(roles)
    if status:
        cases = cases.filter(status=status)
    if committee_id:
        cases = cases.filter(committee_id=committee_id)
    return cases


# Each row's hearings counted in a correlated subquery (one index scan per row on the page),
# written as SQL: Django's Subquery/Coalesce took ≈1 ms to build and compile per request.
# Constant SQL, the status a bound parameter; "cases_case" is the outer query's own table
# (never aliased: it is the base table).
_OPEN_HEARINGS = 'SELECT COUNT(*) FROM "cases_hearing" h WHERE h."case_id" = "cases_case"."id" AND h."status" = %s'
_HEARINGS = 'SELECT COUNT(*) FROM "cases_hearing" h WHERE h."case_id" = "cases_case"."id"'
_OPEN_COUNT = RawSQL(_OPEN_HEARINGS, (Hearing.Status.OPEN.value,), output_field=IntegerField())  # noqa: S611  # nosec B611
_COUNT = RawSQL(_HEARINGS, (), output_field=IntegerField())  # noqa: S611  # nosec B611


def case_list_rows(user, *, status: str = "", committee_id: int | None = None, roles=None) -> QuerySet:
    """The case list's rows as values, newest meeting first (the page shows eight fields of
    a case, its committee's name and its meeting's time): no model instances, no case
    summaries read, each row's open and total hearings counted."""
    return (
        case_list(user, status=status, committee_id=committee_id, roles=roles)
        .annotate(open_hearings=_OPEN_COUNT, hearing_count=_COUNT)
        .order_by("-meeting__starts_at", "-pk")
        .values(
            "pk",
            "title",
            "esdh_number",
            "status",
            "open_hearings",
            "hearing_count",
            committee_name=F("committee__name"),
            starts_at=F("meeting__starts_at"),
        )
    )


def case_list_page(user, *, status: str = "", per_page: int, number) -> tuple[list[dict], int | None, int]:
    """The case list's page of rows (`case_list_rows`) with how many cases the list holds,
    in one query, and the page's number as Paginator reads it (not a whole number: 1);
    (rows, None, number) when the page holds no row (past the end, or no case)."""
    number = page_number(number)
    if number < 1:
        return [], None, number
    bottom = (number - 1) * per_page
    roles = roles_of(user)
    shape, real = id_sets(roles)
    key = (connection.vendor, shape, bool(status), bottom, per_page)

    def compile_read() -> CompiledQuery:
        # Compiled once per shape (samspil/compiled.py): building and compiling the rule
        # twice (rows and count) cost more Python than running the query.
        stand_ins = StandIns()
        fake = stand_in_sets(roles, stand_ins)
        filtered = stand_ins.text("status") if status else ""
        if roles.is_leadership and connection.vendor in ("postgresql", "sqlite"):
            total = _tallied(filtered)
        else:
            total = total_of(case_list(user, status=filtered, roles=fake))
        rows = case_list_rows(user, status=filtered, roles=fake).annotate(_total=total)
        return CompiledQuery(rows[bottom : bottom + per_page], stand_ins)

    rows = _LIST_QUERIES.get(key, compile_read).dicts({"status": status, **real})
    return rows, (rows[0]["_total"] if rows else None), number


# case_list_page's query per shape of the reader's roles, filter and page.
_LIST_QUERIES = CompiledQueries()


def _tallied(status: str) -> Coalesce:
    """How many cases there are (of `status`), for the leadership, who see every case: the
    tally's rows (models.CaseTally, kept by triggers) summed, where counting every case
    was most of the page's SQL (20,000 at Copenhagen size, 1.5–2 ms)."""
    tally = CaseTally.objects.filter(status=status) if status else CaseTally.objects.all()
    summed = tally.order_by().annotate(_n=Func(F("cases"), function="SUM")).values("_n")
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def case_hearings(case: Case) -> list[Hearing]:
    """The case page's hearings, each with its workplace; `case` set so `state()` reads no more.
    Not the presenter's account: the page shows the name and title written on the hearing
    (each joined table costs the planner more than the row costs to read)."""
    compiled = _CASE_HEARINGS.get(connection.vendor)
    if compiled is None:
        # Compiled once (samspil/compiled.py): building it cost more than running it.
        stand_ins = StandIns()
        hearings = Hearing.objects.filter(case_id=stand_ins.id("case")).select_related("workplace")
        compiled = _CASE_HEARINGS[connection.vendor] = CompiledQuery(hearings.order_by("workplace__name"), stand_ins)
    hearings = compiled.instances({"case": case.pk})
    for hearing in hearings:
        hearing.case = case
    return hearings


_CASE_HEARINGS: dict[str, CompiledQuery] = {}


def hearing_page_rows(hearings: QuerySet, on: dt.date | None = None) -> QuerySet:
    """The hearing page's three lists in the hearing's own row, as JSON arrays (PostgreSQL's
    ArraySubquery: one round trip instead of four): its invitees, its contributions and the
    workplace's people (the forms' choices), whose memberships are current `on` (today).
    hearing_invitees(), hearing_contributions() and forms.workplace_people() read them
    from there, or query when they are not there."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models.functions import JSONObject

    from organisation.models import Membership

    return hearings.annotate(
        invitee_rows=ArraySubquery(
            HearingInvitee.objects.filter(hearing_id=OuterRef("pk"))
            .order_by("pk")
            .values(json=JSONObject(id="id", person_id="person_id", name="person__full_name", email="person__email"))
        ),
        contribution_rows=ArraySubquery(
            Contribution.objects.filter(hearing_id=OuterRef("pk"))
            .order_by("created_at", "pk")
            .values(
                json=JSONObject(
                    id="id",
                    author_id="author_id",
                    text="text",
                    created_at="created_at",
                    name="author__full_name",
                    email="author__email",
                )
            )
        ),
        people_rows=ArraySubquery(
            Membership.objects.current(on)
            .filter(workplace_id=OuterRef("workplace_id"), person__is_active=True)
            .order_by("person__full_name", "person_id")
            .values(json=JSONObject(id="person_id", name="person__full_name", email="person__email", role="role"))
        ),
    )


def _person(pk: int, name: str | None, email: str):
    # from_db takes the values in the model's field order.
    user_model = get_user_model()
    values = {"id": pk, "full_name": name or "", "email": email}
    names = [f.attname for f in user_model._meta.concrete_fields if f.attname in values]
    return user_model.from_db(None, names, [values[name] for name in names])


def hearing_invitees(hearing: Hearing) -> list[HearingInvitee]:
    """The hearing's invitees with their people (instances with id, name and email when
    the hearing's query read them: hearing_page_rows)."""
    rows = hearing.__dict__.get("invitee_rows")
    if rows is None:
        return list(hearing.invitees.select_related("person"))
    invitees = []
    for row in rows:
        invitee = HearingInvitee.from_db(
            None, ["id", "hearing_id", "person_id"], [row["id"], hearing.pk, row["person_id"]]
        )
        invitee.person = _person(row["person_id"], row["name"], row["email"])
        invitees.append(invitee)
    return invitees


def hearing_contributions(hearing: Hearing) -> list[Contribution]:
    rows = hearing.__dict__.get("contribution_rows")
    if rows is None:
        return list(Contribution.objects.filter(hearing=hearing).select_related("author"))
    names = ["id", "hearing_id", "author_id", "text", "created_at"]
    contributions = []
    for row in rows:
        values = [row["id"], hearing.pk, row["author_id"], row["text"], dt.datetime.fromisoformat(row["created_at"])]
        contribution = Contribution.from_db(None, names, values)
        contribution.author = _person(row["author_id"], row["name"], row["email"])
        contributions.append(contribution)
    return contributions


@dataclass
class AgendaItem:
    order: int
    presenter_text: str
    duration_minutes: int | None


@dataclass
class AgendaCase:
    """A case on the agenda view: what cases/agenda.html reads of a Case, and its states."""

    pk: int
    title: str
    status: str
    agenda_item: AgendaItem | None
    state_counts: list[tuple[str, int]]

    @property
    def open_hearing_count(self) -> int:
        return sum(n for state, n in self.state_counts if state in ("open", "overdue"))

    def get_status_display(self) -> str:
        return Case.Status(self.status).label


def _state_counts(today: dt.date) -> dict:
    """Each hearing state's count as `Hearing.state` decides it, over the case's hearings."""
    is_open = Q(hearings__status=Hearing.Status.OPEN)
    return {
        f"n_{state}": count
        for state, count in {
            "overdue": Count("hearings", filter=is_open & Q(override_at__isnull=True, hearings__deadline__lt=today)),
            "open": Count("hearings", filter=is_open & Q(override_at__isnull=True, hearings__deadline__gte=today)),
            "overridden": Count("hearings", filter=is_open & Q(override_at__isnull=False)),
            "answered": Count("hearings", filter=Q(hearings__status=Hearing.Status.ANSWERED)),
            "no_comments": Count("hearings", filter=Q(hearings__status=Hearing.Status.NO_COMMENTS)),
        }.items()
    }


def _states(row: dict) -> list[tuple[str, int]]:
    return [(state, row[f"n_{state}"]) for state in STATE_ORDER if row[f"n_{state}"]]


def meeting_cases(meeting: Meeting, user, *, today: dt.date | None = None) -> list[AgendaCase]:
    """The agenda view: the meeting's cases that the person may see, in agenda order, each
    with its agenda item and its hearings' states counted in the database (one query)."""
    today = today or timezone.localdate()
    roles = roles_of(user)
    shape, real = id_sets(roles)
    key = (connection.vendor, shape)

    def compile_read() -> CompiledQuery:
        # Compiled once per shape of the reader's roles (samspil/compiled.py): the rule and
        # five filtered counts cost more Python to build and compile than to run.
        stand_ins = StandIns()
        rows = (
            cases_visible_with(stand_in_sets(roles, stand_ins))
            .filter(meeting_id=stand_ins.id("meeting"))
            .values(
                "pk",
                "title",
                "status",
                "agenda_item_id",
                "agenda_item__order",
                "agenda_item__presenter_text",
                "agenda_item__duration_minutes",
            )
            .annotate(**_state_counts(stand_ins.date("today")))
            .order_by("agenda_item__order", "pk")
        )
        return CompiledQuery(rows, stand_ins)

    rows = _AGENDA_QUERIES.get(key, compile_read).dicts({"meeting": meeting.pk, "today": today, **real})
    return [
        AgendaCase(
            pk=row["pk"],
            title=row["title"],
            status=row["status"],
            agenda_item=None
            if row["agenda_item_id"] is None
            else AgendaItem(
                row["agenda_item__order"], row["agenda_item__presenter_text"], row["agenda_item__duration_minutes"]
            ),
            state_counts=_states(row),
        )
        for row in rows
    ]


# meeting_cases' query per shape of the reader's roles.
_AGENDA_QUERIES = CompiledQueries()


@dataclass
class PlanCase:
    pk: int
    title: str
    state_counts: list[tuple[str, int]]


# The role sets cases_visible_with reads: a compiled read fills them in.
_CASE_ROLE_SETS = (
    "committee_ids",
    "chaired_committee_ids",
    "secretary_committee_ids",
    "staff_workplace_ids",
    "headed_centre_ids",
)


def plan_cases(user, meeting_ids, *, today: dt.date | None = None) -> dict[int, list[PlanCase]]:
    """The committee plan's cases per meeting (meetings/views.committee_plan): the cases of a
    page of meetings that the person may see, in agenda order, each with its hearings'
    states counted (`Hearing.state`, in the database). One query whatever the page holds;
    none for someone who sees no case. The query is built and compiled once per process
    and shape (the reader's role sets, the page's size: samspil/compiled.py): building it
    cost more than running it."""
    if not meeting_ids:
        return {}
    roles = roles_of(user)
    sets = {} if roles.is_leadership else {name: getattr(roles, name) for name in _CASE_ROLE_SETS}

    def build(values: dict) -> QuerySet:
        readers = roles if roles.is_leadership else replace(roles, **{name: values[name] for name in sets})
        return (
            cases_visible_with(readers)  # .none() for someone who sees no case: no query
            .filter(meeting_id__in=values["meetings"])
            .values("pk", "title", "meeting_id")
            .annotate(**_state_counts(values["today"]))
            .order_by("meeting_id", "agenda_item__order", "pk")
        )

    rows = compiled.values_rows(
        ("plan cases", roles.is_leadership),
        build,
        meetings=frozenset(meeting_ids),
        today=today or timezone.localdate(),
        **sets,
    )
    by_meeting: dict[int, list[PlanCase]] = {}
    for row in rows:
        by_meeting.setdefault(row["meeting_id"], []).append(PlanCase(row["pk"], row["title"], _states(row)))
    return by_meeting


def plan_cases_column(readers, today: dt.date) -> ArraySubquery:
    """plan_cases as a column of the plan's meeting rows, for PostgreSQL: each meeting's
    cases that `readers` may see, in agenda order, as JSON objects of their pk, title and
    hearing states counted (`plan_cases_of`). The page's rows and their cases in one
    query instead of two (a round trip and a 40-id list). For readers who see a case
    (cases_visible_with is not empty)."""
    cases = cases_visible_with(readers)
    counted = {f"n_{state}": f"n_{state}" for state in STATE_ORDER}
    return ArraySubquery(
        cases.filter(meeting_id=OuterRef("pk"))
        .values("pk")
        .annotate(**_state_counts(today))
        .order_by("agenda_item__order", "pk")
        .values(case=JSONObject(pk="pk", title="title", **counted))
    )


def plan_cases_of(rows: list[dict]) -> dict[int, list[PlanCase]]:
    """What plan_cases gives, from rows read with plan_cases_column as "plan_cases"."""
    return {
        row["pk"]: [PlanCase(case["pk"], case["title"], _states(case)) for case in row["plan_cases"]]
        for row in rows
        if row.get("plan_cases")
    }


def next_agenda_warnings(committee_ids, *, now: dt.datetime | None = None) -> list[Case]:
    """The chair's warning: cases on each committee's next meeting whose hearing is not closed.

    The query is built and compiled once per process and number of committees
    (samspil/compiled.py), and each committee's next meeting is found once per committee:
    asked per case's meeting (the earlier form), PostgreSQL tested every meeting of the
    committee against it — 1,700 meetings of a busy committee, 30 ms a plan page."""
    ids = sorted(committee_ids)
    if not ids:
        return []
    key = (connection.vendor, len(ids))
    compiled_query = _AGENDA_WARNING_QUERIES.get(key)
    if compiled_query is None:
        stand_ins = StandIns()
        queryset = agenda_warnings_queryset(stand_ins.ids("committees", len(ids)), stand_ins.datetime("now"))
        compiled_query = CompiledQuery(queryset, stand_ins, every=True)
        if len(_AGENDA_WARNING_QUERIES) < 64:
            _AGENDA_WARNING_QUERIES[key] = compiled_query
    return compiled_query.instances({"committees": ids, "now": now or timezone.now()})


_AGENDA_WARNING_QUERIES: dict[tuple, CompiledQuery] = {}


def agenda_warnings_queryset(committee_ids, now: dt.datetime) -> QuerySet[Case]:
    """next_agenda_warnings' read: the committees' next meetings with cases (a correlated
    subquery per committee, portable to SQLite, which has no DISTINCT ON), then their cases
    in draft or hearing with an open hearing, soonest meeting first."""
    from organisation.models import Committee

    next_meeting = (
        Meeting.objects.active()
        .filter(committee_id=OuterRef("pk"), starts_at__gte=now, cases__isnull=False)
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    next_meetings = Committee.objects.filter(pk__in=committee_ids).annotate(next_meeting=Subquery(next_meeting))
    return (
        Case.objects.filter(
            meeting_id__in=next_meetings.values("next_meeting"),
            status__in=[Case.Status.DRAFT, Case.Status.IN_HEARING],
            hearings__status=Hearing.Status.OPEN,
        )
        .select_related("meeting", "committee")
        .distinct()
        .order_by("meeting__starts_at", "pk")[:10]
    )


def hearings_to_answer(workplace_ids) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(
            workplace_id__in=workplace_ids,
            status=Hearing.Status.OPEN,
            case__status__in=[Case.Status.IN_HEARING, Case.Status.READY],
        )
        .select_related("case", "workplace")
        .order_by("deadline")
    )


def invited_hearings(user) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(invitees__person=user, status=Hearing.Status.OPEN)
        .exclude(contributions__author=user)
        .select_related("case", "workplace")
        .order_by("deadline")
    )


def speaking_requests(committee_ids) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(
            speaking=Hearing.Speaking.REQUESTED,
            case__committee_id__in=committee_ids,
            case__status__in=[Case.Status.IN_HEARING, Case.Status.READY],
        )
        .select_related("case", "workplace")
        .order_by("case__meeting__starts_at")
    )


# --- Figures ---------------------------------------------------------------------------------


@dataclass
class FigureRow:
    name: str
    key: str
    cases: int = 0
    treated: int = 0  # hearings of treated cases
    heard_before: int = 0  # of those, answered (or "no comments") before the treatment
    # Cases that went on to the committee without this workplace's (or a) hearing closed.
    overrides: int = 0
    median_days: float | None = None
    spoke: int = 0

    @property
    def heard_share(self) -> float | None:
        return None if not self.treated else self.heard_before / self.treated

    @property
    def heard_percent(self) -> int | None:
        """The share in whole per cent, as `{% widthratio heard_before treated 100 %}` wrote it."""
        return None if not self.treated else round(self.heard_before / self.treated * 100)

    @property
    def median_days_text(self) -> str:
        """The median to one decimal, as `|floatformat:1` writes it ("" when there is none)."""
        return "" if self.median_days is None else one_decimal(self.median_days)


_TENTH = Decimal("0.1")


def one_decimal(value: float) -> str:
    """Django's `floatformat:1` for a float, without its general machinery (it is called
    for every row of the figures): half away from zero on the shortest repr, the
    language's decimal separator, no grouping (USE_THOUSAND_SEPARATOR is off)."""
    rounded = Decimal(repr(value)).quantize(_TENTH, ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0,0"
    return str(rounded).replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _median(value) -> float | None:
    if isinstance(value, str):  # SQLite: the values, comma-separated
        return statistics.median(float(v) for v in value.split(",")) if value else None
    return value


class WorkplaceFigures:
    """The per-workplace rows in name order, for a Paginator. One query a page: it picks
    the page's workplaces by name among those with a hearing in the period (with how many
    there are, `count(*) OVER ()`), then aggregates only their rows; `hearing_figures`
    reads the committees' rows in the same query. Iterating reads every workplace (CSV)."""

    def __init__(self, *, scope, first, after, page_size: int, page=None):
        self.scope, self.first, self.after = scope, first, after
        self.page_size = page_size
        try:
            number = max(1, int(page or 1))
        except (TypeError, ValueError):
            number = 1
        self.offset = (number - 1) * page_size
        self._count: int | None = None
        self._page: list[FigureRow] | None = None

    def read(self, offset: int, limit: int | None, *, committees: bool = False):
        """(workplace rows from `offset`, how many workplaces there are or None when no row
        was read, and the committees' rows when asked for): one query."""
        ops = connection.ops
        scope_sql, scope_params = self.scope.order_by().values("pk").query.sql_with_params()
        period = [ops.adapt_datetimefield_value(self.first), ops.adapt_datetimefield_value(self.after)]
        if connection.vendor == "postgresql":
            collate, median = 'COLLATE "C"', "percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days)"
        else:  # SQLite: byte order is code point order; the median in Python (`_median`)
            collate, median = "", "group_concat(f.days)"
        figures = (
            " count(*) FILTER (WHERE f.treated), count(*) FILTER (WHERE f.heard_before), {overrides},"
            f" {median}, count(*) FILTER (WHERE f.spoke)"
        )
        sql = (
            "WITH f AS (SELECT workplace_id, committee_id, case_id, treated, heard_before, overridden, days, spoke"  # noqa: S608  # nosec B608 (constants, the scope's SQL)
            f" FROM {HearingFigure._meta.db_table} WHERE meeting_starts_at >= %s AND meeting_starts_at < %s"
            f" AND workplace_id IN ({scope_sql})),"
            " page AS (SELECT w.id, w.name, w.slug, count(*) OVER () AS total FROM organisation_workplace w"
            f" WHERE w.id IN (SELECT workplace_id FROM f) ORDER BY w.name {collate}, w.id LIMIT %s OFFSET %s)"
            # A workplace has one hearing per case: its hearings are its cases and its overrides.
            " SELECT 'w', page.id, page.name, page.slug, page.total, count(*),"
            + figures.format(overrides="count(*) FILTER (WHERE f.overridden)")
            + " FROM page JOIN f ON f.workplace_id = page.id GROUP BY page.id, page.name, page.slug, page.total"
        )
        if committees:
            sql += (
                " UNION ALL SELECT 'c', c.id, c.name, '', NULL, count(DISTINCT f.case_id),"  # noqa: S608  # nosec B608
                + figures.format(overrides="count(DISTINCT f.case_id) FILTER (WHERE f.overridden)")
                + " FROM f JOIN organisation_committee c ON c.id = f.committee_id GROUP BY c.id, c.name"
            )
        limit = -1 if limit is None and connection.vendor == "sqlite" else limit
        with connection.cursor() as cursor:
            cursor.execute(sql, [*period, *scope_params, limit, offset])
            rows = cursor.fetchall()
        tables: dict[str, list] = {"w": [], "c": []}
        total = None
        for kind, pk, name, slug, count, cases, treated, heard_before, overrides, median_days, spoke in rows:
            row = FigureRow(
                name=name,
                key=slug if kind == "w" else str(pk),
                cases=cases,
                treated=treated,
                heard_before=heard_before,
                overrides=overrides,
                median_days=_median(median_days),
                spoke=spoke,
            )
            tables[kind].append((name, pk, row))
            if kind == "w":
                total = count
        # By name in code point order (the "C" collation's), then id: as they were sorted before.
        workplaces, committee_rows = ([row for *_key, row in sorted(tables[k])] for k in ("w", "c"))
        return workplaces, total, committee_rows

    def read_page(self, *, committees: bool = False) -> list[FigureRow]:
        """Reads the page asked for (and its count), with the committees' rows if asked."""
        self._page, total, committee_rows = self.read(self.offset, self.page_size, committees=committees)
        if total is None and self.offset:  # a page past the end: how many there are
            total = self.read(0, 1)[1]
        self._count = total or 0
        return committee_rows

    def count(self) -> int:
        if self._count is None:
            self.read_page()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start = index.start or 0
        stop = index.stop
        # The paginator's slice of the page read with the count (it ends at the count).
        if self._page is not None and start == self.offset and stop is not None and stop - start <= self.page_size:
            return self._page[: stop - start]
        return self.read(start, None if stop is None else stop - start)[0]

    def __iter__(self):
        return iter(self.read(0, None)[0])


TREATED = (Case.Status.TREATED, Case.Status.DECIDED)


def hearing_figures(
    *, scope, start: dt.date, end: dt.date, page_size: int = 50, page=None, version: str | None = None
) -> dict:
    """Per workplace and per committee, over the hearings of the workplaces in `scope` (the
    coverage dashboard's filtered workplaces) on cases whose meeting falls in [start, end]:
    cases, the share of treated cases' hearings closed before treatment, overrides, median
    days from hearing to answer, and how often the workplace spoke.

    Read from the figure table (models.HearingFigure, kept by triggers), aggregated in the
    database over the period's index range, in one query: the committees, and the page of
    workplaces asked for (`WorkplaceFigures`; the others when iterated).

    With `version` (cases/freshness.py, bumped by every write to the figure table and the
    tables the scope reads) that page, its count and the committees are cached under it,
    shared by everyone asking for the same scope, period and page; `key` is that cache key
    (None when not cached), for what the page renders from them."""
    # A range on the meeting's start (not `__date`, which casts every row and skips the index).
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    workplaces = WorkplaceFigures(scope=scope, first=first, after=after, page_size=page_size, page=page)
    key = None
    if version is not None and cache_seconds() > 0:
        scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
        identity = repr((scope_sql, scope_params, first.isoformat(), after.isoformat(), page_size, workplaces.offset))
        key = freshness.VERSION.cache_key("figures", version, identity)
        cached = cache.get(key)
        if cached is not None:
            workplaces._page, workplaces._count, committees = cached
            return {"workplaces": workplaces, "committees": committees, "key": key}
    committees = workplaces.read_page(committees=True)
    if key is not None:
        cache.set(key, (workplaces._page, workplaces._count, committees), cache_seconds())
    return {"workplaces": workplaces, "committees": committees, "key": key}
