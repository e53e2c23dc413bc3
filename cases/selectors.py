"""Reads for the case pages, the agenda view, the start page and the figures.
Each runs a fixed number of queries whatever the number of cases or hearings."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from meetings.models import Meeting

from .models import Case, Contribution, Hearing
from .permissions import cases_visible_to

STATE_ORDER = ("overdue", "open", "overridden", "answered", "no_comments")


def case_list(user, *, status: str = "", committee_id: int | None = None) -> QuerySet[Case]:
    """The cases the person may see, filtered: the case list counts its pages from this."""
    cases = cases_visible_to(user)
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


def case_list_rows(user, *, status: str = "", committee_id: int | None = None) -> QuerySet:
    """The case list's rows as values, newest meeting first (the page shows eight fields of
    a case, its committee's name and its meeting's time): no model instances, no case
    summaries read, each row's open and total hearings counted."""
    return (
        case_list(user, status=status, committee_id=committee_id)
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


def case_hearings(case: Case) -> list[Hearing]:
    """The case page's hearings, each with its workplace; `case` set so `state()` reads no more.
    Not the presenter's account: the page shows the name and title written on the hearing
    (each joined table costs the planner more than the row costs to read)."""
    hearings = list(Hearing.objects.filter(case=case).select_related("workplace").order_by("workplace__name"))
    for hearing in hearings:
        hearing.case = case
    return hearings


def hearing_contributions(hearing: Hearing) -> list[Contribution]:
    return list(Contribution.objects.filter(hearing=hearing).select_related("author"))


def _with_states(cases: list[Case], today: dt.date) -> list[Case]:
    for case in cases:
        counts = dict.fromkeys(STATE_ORDER, 0)
        for hearing in case.hearings.all():
            hearing.case = case
            counts[hearing.state(today)] += 1
        case.state_counts = [(state, n) for state, n in counts.items() if n]
        case.open_hearing_count = counts["open"] + counts["overdue"]
    return cases


def meeting_cases(meeting: Meeting, *, today: dt.date | None = None) -> list[Case]:
    """The agenda view: the meeting's cases in agenda order, hearings prefetched (2 queries)."""
    today = today or timezone.localdate()
    cases = list(
        Case.objects.filter(meeting=meeting)
        .select_related("agenda_item")
        .prefetch_related(Prefetch("hearings", queryset=Hearing.objects.select_related("workplace")))
        .order_by("agenda_item__order", "pk")
    )
    return _with_states(cases, today)


def plan_cases(user, meeting_ids, *, today: dt.date | None = None) -> dict[int, list[Case]]:
    """The committee plan's cases per meeting (meetings/views.committee_plan): the cases of a
    page of meetings that the person may see, in agenda order, each with its hearings' states
    counted. Two queries whatever the page holds (the cases, their hearings); none for
    someone who sees no case."""
    if not meeting_ids:
        return {}
    visible = cases_visible_to(user)  # .none() for someone who sees no case: no query
    today = today or timezone.localdate()
    cases = list(
        visible.filter(meeting_id__in=list(meeting_ids))
        .only("pk", "title", "status", "meeting_id", "override_at", "agenda_item__order")
        .select_related("agenda_item")
        .prefetch_related(Prefetch("hearings", queryset=Hearing.objects.only("pk", "case_id", "status", "deadline")))
        .order_by("meeting_id", "agenda_item__order", "pk")
    )
    by_meeting: dict[int, list[Case]] = {}
    for case in _with_states(cases, today):
        by_meeting.setdefault(case.meeting_id, []).append(case)
    return by_meeting


def next_agenda_warnings(committee_ids, *, now: dt.datetime | None = None) -> list[Case]:
    """The chair's warning: cases on each committee's next meeting whose hearing is not closed."""
    if not committee_ids:
        return []
    now = now or timezone.now()
    # Each committee's next meeting with cases, as a correlated subquery: portable to SQLite
    # (the laptop default), which has no DISTINCT ON.
    next_meeting = (
        Meeting.objects.active()
        .filter(committee_id=OuterRef("meeting__committee_id"), starts_at__gte=now, cases__isnull=False)
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    return list(
        Case.objects.filter(
            meeting__committee_id__in=committee_ids,
            status__in=[Case.Status.DRAFT, Case.Status.IN_HEARING],
            hearings__status=Hearing.Status.OPEN,
        )
        .annotate(next_meeting=Subquery(next_meeting))
        .filter(meeting_id=F("next_meeting"))
        .select_related("meeting", "committee")
        .distinct()
        .order_by("meeting__starts_at")[:10]
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
    treated: int = 0  # hearings of treated cases
    heard_before: int = 0  # of those, answered (or "no comments") before the treatment
    spoke: int = 0
    days: list[float] = field(default_factory=list)
    case_ids: set[int] = field(default_factory=set)
    override_ids: set[int] = field(default_factory=set)

    @property
    def cases(self) -> int:
        return len(self.case_ids)

    @property
    def overrides(self) -> int:
        """Cases that went on to the committee without this workplace's (or a) hearing closed."""
        return len(self.override_ids)

    @property
    def heard_share(self) -> float | None:
        return None if not self.treated else self.heard_before / self.treated

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


TREATED = (Case.Status.TREATED, Case.Status.DECIDED)


def hearing_figures(*, scope, start: dt.date, end: dt.date) -> dict:
    """Per workplace and per committee, over the hearings of the workplaces in `scope` (the
    coverage dashboard's filtered workplaces) on cases whose meeting falls in [start, end]:
    cases, the share of treated cases' hearings closed before treatment, overrides, median
    days from hearing to answer, and how often the workplace spoke. One query, aggregated
    in Python over value rows (no model instances)."""
    # A range on the meeting's start (not `__date`, which casts every row and skips the index).
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    hearings = Hearing.objects.filter(
        workplace__in=scope.values("pk"),
        case__meeting__starts_at__gte=first,
        case__meeting__starts_at__lt=after,
    ).exclude(case__status=Case.Status.DRAFT)
    rows = hearings.values_list(
        "case_id",
        "workplace_id",
        "workplace__name",
        "workplace__slug",
        "case__committee_id",
        "case__committee__name",
        "case__status",
        "case__override_at",
        "case__treated_at",
        "opened_at",
        "submitted_at",
        "speaking",
    )
    by_workplace: dict[int, FigureRow] = {}
    by_committee: dict[int, FigureRow] = {}
    for case_id, wid, wname, wslug, cid, cname, cstatus, override_at, treated_at, opened, submitted, speaking in rows:
        for table, key, name, slug in ((by_workplace, wid, wname, wslug), (by_committee, cid, cname, str(cid))):
            row = table.get(key)
            if row is None:
                row = table[key] = FigureRow(name=name, key=slug)
            row.case_ids.add(case_id)
            if cstatus in TREATED:
                row.treated += 1
                if submitted is not None and (treated_at is None or submitted <= treated_at):
                    row.heard_before += 1
            if override_at is not None and (submitted is None or submitted > override_at):
                row.override_ids.add(case_id)
            if submitted is not None:
                row.days.append((submitted - opened).total_seconds() / 86400)
            if speaking == Hearing.Speaking.ACCEPTED:
                row.spoke += 1
    return {
        "workplaces": sorted(by_workplace.values(), key=lambda r: r.name),
        "committees": sorted(by_committee.values(), key=lambda r: r.name),
    }
