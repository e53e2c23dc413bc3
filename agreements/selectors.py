"""Reads for the agreement pages: each runs a fixed number of queries whatever the size."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import math
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markupsafe import Markup

from organisation.models import Workplace
from organisation.roles import roles_of
from samspil.compiled import CompiledQueries, CompiledQuery, CompiledRead, StandIns, id_sets, stand_in_sets
from samspil.jinja2 import _finalize, escape_text, row_url_parts
from samspil.paging import page_number, total_of

from .models import (
    Agreement,
    AgreementTemplate,
    Approval,
    CycleDeadline,
    FollowUp,
    Goal,
    GoalComment,
    Milestone,
    Revision,
    period_label,
)
from .permissions import agreements_visible_for
from .workflows import approvals_of


def agreement_goals(agreement: Agreement, *, only_ids: set[int] | None = None, discussion: bool = True) -> list[Goal]:
    """The goals with milestones, partners, comments (with authors) and follow-ups: 5 queries.

    `discussion=False` (the editor, which shows neither) leaves out the comments and the
    follow-ups: 3 queries; the goals then have no `threads` or follow-up attributes."""
    lookups = ["milestones", Prefetch("partners", queryset=Workplace.objects.only("id", "name", "slug"))]
    if discussion:
        lookups += [Prefetch("comments", queryset=GoalComment.objects.select_related("author")), "follow_ups"]
    goals = Goal.objects.filter(agreement=agreement).prefetch_related(*lookups).order_by("order", "pk")
    if only_ids is not None:
        goals = goals.filter(pk__in=only_ids)
    result = list(goals)
    if not discussion:
        return result
    for goal in result:
        by_point = {f.point: f for f in goal.follow_ups.all()}
        goal.mid_year = by_point.get(FollowUp.Point.MID_YEAR)
        goal.year_end = by_point.get(FollowUp.Point.YEAR_END)
        goal.latest_follow_up = goal.year_end or goal.mid_year
        comments = list(goal.comments.all())
        goal.threads = [
            (comment, [reply for reply in comments if reply.reply_to_id == comment.pk])
            for comment in comments
            if comment.reply_to_id is None
        ]
    return result


def _editor_goals_query(agreement_id: int) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(agreement_id=agreement_id)
        .annotate(
            milestone_rows=ArraySubquery(
                Milestone.objects.filter(goal_id=OuterRef("pk"))
                .order_by("due_on", "pk")
                .values(json=JSONObject(id="id", title="title", due_on="due_on"))
            ),
            partner_rows=ArraySubquery(
                Goal.partners.through.objects.filter(goal_id=OuterRef("pk"))
                .order_by("workplace__name", "workplace_id")
                .values(json=JSONObject(id="workplace_id", name="workplace__name", slug="workplace__slug"))
            ),
        )
        .order_by("order", "pk")
    )


# Compiling the subqueries cost eight times what PostgreSQL takes to answer them.
_EDITOR_GOALS = CompiledRead(_editor_goals_query)


def editor_goals(agreement: Agreement) -> list[Goal]:
    """The editor's goals, each with `milestone_list` (by date) and `partner_list` (by
    name; instances with id, name and slug). On PostgreSQL one query, compiled once per
    process: the milestones and partners come as JSON arrays in the goals' rows (each
    prefetch was a round trip, and Django's prefetching cost more Python than the rows).
    Elsewhere (SQLite) the three queries of agreement_goals(discussion=False)."""
    if connection.vendor != "postgresql":
        goals = agreement_goals(agreement, discussion=False)
        for goal in goals:
            goal.milestone_list = list(goal.milestones.all())
            goal.partner_list = list(goal.partners.all())
        return goals
    goals = list(_EDITOR_GOALS.raw(agreement.pk))
    milestone_names = ["id", "goal_id", "title", "due_on"]
    partner_names = ["id", "name", "slug"]
    for goal in goals:
        goal.milestone_list = [
            Milestone.from_db(None, milestone_names, [row["id"], goal.pk, row["title"], _date(row["due_on"])])
            for row in map(_json, goal.__dict__.pop("milestone_rows"))
        ]
        goal.partner_list = [
            Workplace.from_db(None, partner_names, [row[name] for name in partner_names])
            for row in map(_json, goal.__dict__.pop("partner_rows"))
        ]
    return goals


def _json(value: str | dict) -> dict:
    # A raw query's jsonb comes as text (Django's psycopg loader); JSONField would parse it.
    return json.loads(value) if isinstance(value, str) else value


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# At most this many matches per search: the partner field shows them as checkboxes.
PARTNER_MATCH_LIMIT = 20


def partner_workplaces(ids) -> list[Workplace]:
    """Active workplaces by id, by name: one query."""
    return list(Workplace.objects.filter(is_active=True, pk__in=list(ids)).only("id", "name").order_by("name", "pk"))


def partner_matches(text: str, *, exclude_ids=(), limit: int = PARTNER_MATCH_LIMIT) -> list[Workplace]:
    """Active workplaces whose name holds `text`, names starting with it first: one query.
    A scan of the workplaces (2,000 in Copenhagen) costs about a millisecond; no index."""
    text = text.strip()
    if not text:
        return []
    return list(
        Workplace.objects.filter(is_active=True, name__icontains=text)
        .exclude(pk__in=list(exclude_ids))
        .annotate(starts=Case(When(name__istartswith=text, then=Value(0)), default=Value(1)))
        .only("id", "name")
        .order_by("starts", "name", "pk")[:limit]
    )


def agreement_approvals(agreement: Agreement) -> dict[str, Approval]:
    # The same dict the workflow's predicates read (cached on the agreement): one query.
    return approvals_of(agreement)


def signature_rows(required: list[str], approvals: dict[str, Approval], *, current_sha256: str = "") -> list[dict]:
    """One row per approval or signature needed; `covers_current` says whether the text
    shown now is the text that person approved (False after a later change)."""
    labels = dict(Approval.Kind.choices)
    rows = []
    for kind in required:
        approval = approvals.get(kind)
        covers = approval is not None and bool(approval.text_sha256) and approval.text_sha256 == current_sha256
        rows.append({"kind": kind, "label": labels[kind], "approval": approval, "covers_current": covers})
    return rows


def agreement_history(agreement: Agreement):
    return agreement.status_changes.select_related("by").order_by("at", "pk")


def agreement_revisions(agreement: Agreement):
    return agreement.revisions.select_related("created_by").defer("snapshot").order_by("-number")


CONCERNING_ME = "mine"


def concerning(user) -> Q:
    """Agreements that concern the person: their workplaces', their centres' and those of
    the workplaces their committees are responsible for (what they may see of them is
    still `agreements_visible_to`'s rule)."""
    return _concerning(roles_of(user))


def _concerning(roles) -> Q:
    condition = Q(workplace_id__in=roles.staff_workplace_ids | roles.led_workplace_ids)
    condition |= Q(workplace__centre_id__in=roles.headed_centre_ids)
    if roles.committee_ids:
        condition |= Q(
            workplace_id__in=Workplace.committees.through.objects.filter(committee_id__in=roles.committee_ids).values(
                "workplace_id"
            )
        )
    return condition


def has_own_agreements(user) -> bool:
    """Whether the list should open on "concerning you" rather than the current period."""
    roles = roles_of(user)
    return bool(roles.staff_workplace_ids or roles.led_workplace_ids or roles.headed_centre_ids or roles.committee_ids)


def agreements_listed(user, *, status: str = "", committee: str = "", centre: str = "", period: str = "") -> QuerySet:
    return _listed(
        roles_of(user), timezone.localdate(), status=status, committee=committee, centre=centre, period=period
    )


def _listed(roles, today, *, status: str, committee: str, centre: str, period) -> QuerySet:
    """agreements_listed for a person's roles on `today` (`period`: a template's id, as text
    or a number, CONCERNING_ME or "")."""
    return _listed_values(
        _listed_filtered(roles, today, status=status, committee=committee, centre=centre, period=period)
    )


def _listed_filtered(roles, today, *, status: str, committee: str, centre: str, period) -> QuerySet:
    """The agreements the list holds (_listed's rows as a plain queryset)."""
    queryset = agreements_visible_for(roles)
    if status:
        queryset = queryset.filter(status=status)
    if committee:
        queryset = queryset.filter(pk__in=Agreement.objects.filter(workplace__committees__slug=committee).values("pk"))
    if centre:
        queryset = queryset.filter(workplace__centre__slug=centre)
    if period == CONCERNING_ME:
        queryset = queryset.filter(_concerning(roles), template__period_end__gte=today)
    elif period:
        queryset = queryset.filter(template_id=period)
    return queryset


def _listed_values(queryset: QuerySet) -> QuerySet:
    """The list's columns of `_listed_filtered`'s agreements, in the list's order."""
    # A correlated subquery, not Count("goals"): the join and GROUP BY counted the goals of
    # all 10,000 agreements before the sort kept 50, and the paginator's count grouped them
    # too. PostgreSQL evaluates this after ORDER BY … LIMIT, for the page's rows only, and
    # count() drops the unused annotation. Uses the index on goal.agreement_id.
    goal_count = (
        Goal.objects.filter(agreement=OuterRef("pk")).order_by().values("agreement").annotate(n=Count("pk")).values("n")
    )
    # Only the columns the table shows (the sort carries every joined row, 10,000, and the
    # texts made them 800 bytes wide), as plain values: `listed_rows` makes the page's rows.
    return (
        queryset.annotate(goal_count=Coalesce(Subquery(goal_count), 0))
        .order_by("template__period_start", "workplace__name", "pk")
        .values_list(
            "id",
            "status",
            "updated_at",
            "workplace__name",
            "workplace__centre__name",
            "template__period_start",
            "template__period_end",
            "goal_count",
        )
    )


def _page_rows(values: QuerySet, bottom: int, per_page: int) -> QuerySet:
    # The page's rows, each with the list's length (COUNT(*) OVER (), before the LIMIT).
    return values.annotate(listed_total=Window(Count("*")))[bottom : bottom + per_page]


def listed_page(values: QuerySet, per_page: int, number) -> Page:
    """Paginator(values, per_page).get_page(number) for `agreements_listed`'s value rows in
    one query when the page is in range: each row carries the list's length
    (COUNT(*) OVER (), computed before the LIMIT; the goal counts still only for the page's
    rows), where the paginator asked a COUNT(*) over the same joins first. A page past the
    end (or below 1) falls back to the paginator's own answer, the last page."""
    paginator = Paginator(values, per_page)
    number = page_number(number)
    if number >= 1:
        rows = list(_page_rows(values, (number - 1) * per_page, per_page))
        if rows or number == 1:
            paginator.count = rows[0][-1] if rows else 0
            return Page([row[:-1] for row in rows], number, paginator)
    return paginator.get_page(number)


# The list's page queries, compiled once per shape (samspil/compiled.py): building the
# queryset (the visibility rule, the filters, the goal count) and compiling it cost the
# list more Python than PostgreSQL takes to answer it.
# A compiled page holds its compiler and query, about 40 KB: at most 64 shapes (≈ 3 MB of a
# worker's memory).
_LISTED_PAGES = CompiledQueries(limit=64)
_INT_RANGE = range(-(2**31), 2**31)


def agreements_listed_page(
    user, per_page: int, number, *, status: str = "", committee: str = "", centre: str = "", period: str = ""
) -> Page:
    """listed_page(agreements_listed(user, …), per_page, number), the page's query built
    and compiled once per process for each shape: the reader's roles (the sizes of their
    sets of ids), which filters are set, the period's kind, the page. The request's values
    (roles' ids, filter texts, the template's id, today) fill its parameters."""
    filters = {"status": status, "committee": committee, "centre": centre, "period": period}
    number = page_number(number)
    kind = "mine" if period == CONCERNING_ME else ("id" if period else "")
    if number < 1 or (kind == "id" and int(period) not in _INT_RANGE):
        return listed_page(agreements_listed(user, **filters), per_page, number)
    roles = roles_of(user)
    shape, values = id_sets(roles)
    bottom = (number - 1) * per_page
    key = (connection.vendor, shape, bool(status), bool(committee), bool(centre), kind, bottom, per_page)

    def compile_read() -> CompiledQuery:
        stand_ins = StandIns()
        filtered = _listed_filtered(
            stand_in_sets(roles, stand_ins),
            stand_ins.date("today") if kind == "mine" else None,
            status=stand_ins.text("status") if status else "",
            committee=stand_ins.text("committee") if committee else "",
            centre=stand_ins.text("centre") if centre else "",
            period=stand_ins.id("period") if kind == "id" else period,
        )
        queryset = _listed_values(filtered)
        if roles.is_leadership and kind == "id":
            # One period: its start is the same on every row, so the order is the
            # workplace's name and the agreement's id, which PostgreSQL reads from the
            # index on the names (migration 0005) and stops at the page, the list's length
            # counted apart (the period's agreements by their template's index).
            queryset = queryset.order_by("workplace__name", "pk")
            page_rows = queryset.annotate(listed_total=total_of(filtered))[bottom : bottom + per_page]
        else:
            page_rows = _page_rows(queryset, bottom, per_page)
        return CompiledQuery(page_rows, stand_ins)

    try:
        compiled = _LISTED_PAGES.get(key, compile_read)
    except ValueError:  # no value of the request in its SQL (an odd set of roles)
        return listed_page(agreements_listed(user, **filters), per_page, number)
    values.update(status=status, committee=committee, centre=centre)
    if kind == "mine":
        values["today"] = timezone.localdate()
    elif kind == "id":
        values["period"] = int(period)
    rows = compiled.rows(values)
    if not rows and number > 1:
        return listed_page(agreements_listed(user, **filters), per_page, number)
    paginator = Paginator((), per_page)  # the pager's figures: its count is the rows' total
    paginator.count = rows[0][-1] if rows else 0
    return Page([tuple(row[:-1]) for row in rows], number, paginator)


@dataclass(slots=True)
class ListedAgreement:
    """One row of the agreement list."""

    pk: int
    url: str
    workplace: str
    centre: str | None
    period_label: str
    status: str
    status_label: str
    goal_count: int
    updated_on: str


def listed_rows(values) -> list[ListedAgreement]:
    """The list's rows from `agreements_listed`'s values: no model instances, each status's
    label translated once, each date formatted once, the links from one reverse() (the ids
    are whole numbers: nothing to quote)."""
    labels = {value: str(label) for value, label in Agreement.Status.choices}
    dates: dict[dt.date, str] = {}
    # The time zone and the link's parts once for the page: each is a context-local read.
    zone = timezone.get_current_timezone()
    head, tail = row_url_parts("agreements:detail")
    rows = []
    for pk, status, updated_at, workplace, centre, start, end, goal_count in values:
        day = timezone.localtime(updated_at, zone).date()
        updated_on = dates.get(day)
        if updated_on is None:
            updated_on = dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        rows.append(
            ListedAgreement(
                pk=pk,
                url=f"{head}{pk}{tail}",
                workplace=workplace,
                centre=centre,
                period_label=period_label(start, end),
                status=status,
                status_label=labels.get(status, status),
                goal_count=goal_count,
                updated_on=updated_on,
            )
        )
    return rows


def listed_rows_html(rows: list[ListedAgreement]) -> Markup:
    """The list table's rows (what _list_rows.jinja's loop over them wrote, character for
    character, with Jinja2's escaping and its finalize): fifty rows of seven values were
    a loop of attribute look-ups and escapes in the template."""
    parts = []
    for row in rows:
        centre = (
            ""
            if row.centre is None
            else f'<div class="small text-body-secondary">{escape_text(_finalize(row.centre))}</div>'
        )
        parts.append(
            "\n          <tr>\n"
            f'            <td><a href="{escape_text(_finalize(row.url))}">{escape_text(_finalize(row.workplace))}</a>{centre}</td>\n'
            f"            <td>{escape_text(_finalize(row.period_label))}</td>\n"
            f'            <td><span class="badge agreement-status agreement-status-{escape_text(_finalize(row.status))}">'
            f"{escape_text(_finalize(row.status_label))}</span></td>\n"
            f'            <td class="text-end">{escape_text(_finalize(row.goal_count))}</td>\n'
            f"            <td>{escape_text(_finalize(row.updated_on))}</td>\n"
            "          </tr>\n        "
        )
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every value in it is escaped


def agreement_of_workplace(workplace_id: int, on=None) -> Agreement | None:
    """The workplace's agreement for the period holding `on` (default today), for other
    apps to link to (for example the next dialogue meeting). One query."""
    on = on or timezone.localdate()
    return (
        Agreement.objects.filter(
            workplace_id=workplace_id, template__period_start__lte=on, template__period_end__gte=on
        )
        .select_related("template")
        .first()
    )


def agreement_in_focus(workplace_id: int, on=None) -> Agreement | None:
    """The agreement a reader of the workplace means today: the current period's, or,
    before it starts, the coming one being drafted. One query."""
    on = on or timezone.localdate()
    return (
        Agreement.objects.filter(workplace_id=workplace_id, template__period_end__gte=on)
        .select_related("template")
        .order_by("template__period_start", "pk")
        .first()
    )


def templates_published() -> QuerySet[AgreementTemplate]:
    return AgreementTemplate.objects.filter(is_published=True).order_by("-period_start")


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str
    due_on: dt.date
    title: str


@dataclass(frozen=True, slots=True)
class Period:
    """A published template as the list shows it: its period and its cycle's deadlines."""

    pk: int
    period_start: dt.date
    period_end: dt.date
    deadlines: list[Deadline]

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.period_end)


def _published_periods_query(_unused=None) -> QuerySet:
    return (
        AgreementTemplate.objects.filter(is_published=True)
        .order_by("-period_start", "-pk", "deadlines__due_on", "deadlines__pk")
        .values_list("pk", "period_start", "period_end", "deadlines__kind", "deadlines__due_on", "deadlines__label")
    )


# The same SQL on every request of the list: compiled once per process. (Its columns are
# integers, text and dates, which both databases' drivers return as Django would.)
_PUBLISHED_PERIODS = CompiledRead(_published_periods_query, kind=None)


def published_periods() -> list[Period]:
    """The published templates, newest first, each with its deadlines by date: one query
    (a handful of templates with a handful of deadlines each)."""
    kinds = dict(CycleDeadline.Kind.choices)
    periods: dict[int, Period] = {}
    for pk, start, end, kind, due_on, label in _PUBLISHED_PERIODS.rows():
        period = periods.get(pk)
        if period is None:
            period = periods[pk] = Period(pk, start, end, [])
        if due_on is not None:
            period.deadlines.append(Deadline(kind, due_on, label or str(kinds.get(kind, kind))))
    return list(periods.values())


def current_template(templates: list[AgreementTemplate] | list[Period]) -> AgreementTemplate | Period | None:
    """The published template whose period holds today, else the next one, else the newest."""
    today = timezone.localdate()
    for template in templates:
        if template.period_start <= today <= template.period_end:
            return template
    upcoming = [t for t in templates if t.period_start > today]
    if upcoming:
        return min(upcoming, key=lambda t: t.period_start)
    return templates[0] if templates else None


def templates_for_workplace(workplace: Workplace) -> list[AgreementTemplate]:
    """Published templates that apply to the workplace (by committee or kind; empty = all)."""
    committee_ids = list(workplace.committees.values_list("pk", flat=True))
    return list(
        templates_published()
        .filter(Q(committees__isnull=True) | Q(committees__in=committee_ids))
        .filter(Q(workplace_kinds__isnull=True) | Q(workplace_kinds=workplace.kind_id))
        .distinct()
    )


# --- Progress at a glance -----------------------------------------------------------------


STATUS_COLOURS = {
    FollowUp.Status.ON_TRACK: "#1c7c54",
    FollowUp.Status.AT_RISK: "#b35c00",
    FollowUp.Status.ACHIEVED: "#0b5d7a",
    FollowUp.Status.DROPPED: "#6c757d",
    "none": "#d8d4ca",
}


@dataclass
class ProgressPart:
    key: str
    label: str
    count: int
    x: float
    width: float
    colour: str


def progress(goals: list[Goal]) -> list[ProgressPart]:
    """The latest status of each goal as parts of one bar (widths in percent)."""
    counts: dict[str, int] = {}
    for goal in goals:
        key = goal.latest_follow_up.status if goal.latest_follow_up else "none"
        counts[key] = counts.get(key, 0) + 1
    total = len(goals) or 1
    labels = {**dict(FollowUp.Status.choices), "none": _("Not followed up yet")}
    parts, x = [], 0.0
    for key in [*FollowUp.Status.values, "none"]:
        if counts.get(key):
            width = 100 * counts[key] / total
            parts.append(
                ProgressPart(key, str(labels[key]), counts[key], round(x, 2), round(width, 2), STATUS_COLOURS[key])
            )
            x += width
    return parts


# --- The yearly wheel ---------------------------------------------------------------------


def _point(angle_deg: float, radius: float, centre: float = 160) -> tuple[float, float]:
    angle = math.radians(angle_deg - 90)
    return round(centre + radius * math.cos(angle), 2), round(centre + radius * math.sin(angle), 2)


def _wheel_months() -> list[dict]:
    """The twelve month segments' geometry (January at the top): the same for every wheel."""
    months = []
    for index in range(12):
        start, end = index * 30, (index + 1) * 30
        outer_a, outer_b = _point(start, 150), _point(end, 150)
        inner_a, inner_b = _point(end, 100), _point(start, 100)
        path = (
            f"M {outer_a[0]} {outer_a[1]} A 150 150 0 0 1 {outer_b[0]} {outer_b[1]} "
            f"L {inner_a[0]} {inner_a[1]} A 100 100 0 0 0 {inner_b[0]} {inner_b[1]} Z"
        )
        label = _point(start + 15, 82)
        # Coordinates as text: a number with a decimal point whatever the language.
        months.append(
            {
                "path": path,
                "label": dt.date(2000, index + 1, 1).strftime("%m"),
                "x": str(label[0]),
                "y": str(label[1]),
                "shade": index % 2,
            }
        )
    return months


_WHEEL_MONTHS = _wheel_months()


def yearly_wheel(template: Period | None) -> dict:
    """Twelve month segments (January at the top) and a numbered marker per deadline."""
    months = [{**month, "name": MONTHS_3[index + 1]} for index, month in enumerate(_WHEEL_MONTHS)]
    markers = []
    if template is not None:
        placed: list[tuple[float, float]] = []
        for number, deadline in enumerate(template.deadlines, start=1):
            days = calendar.monthrange(deadline.due_on.year, deadline.due_on.month)[1]
            angle = (deadline.due_on.month - 1 + (deadline.due_on.day - 1) / days) * 30
            # Deadlines on the same day of different years would hide each other: step inwards.
            radius = 125
            while any(abs(angle - a) < 7 and r == radius for a, r in placed) and radius > 95:
                radius -= 19
            placed.append((angle, radius))
            x, y = _point(angle, radius)
            markers.append({"number": number, "deadline": deadline, "x": str(x), "y": str(y), "kind": deadline.kind})
    return {"months": months, "markers": markers}


# --- Comparing revisions -------------------------------------------------------------------


def snapshot_lines(data: dict) -> list[str]:
    """A revision as lines of text, in the order the agreement reads."""
    kinds = dict(Goal.Kind.choices)
    why, success, indicator = _("Why"), _("Success"), _("Indicator")
    baseline, target, milestone, partners = _("baseline"), _("target"), _("Milestone"), _("Partners")
    lines = [_("Introduction"), *(data.get("introduction") or "").splitlines()]
    for number, goal in enumerate(data.get("goals", []), start=1):
        lines.append("")
        lines.append(f"{number}. {goal['title']} ({kinds.get(goal['kind'], goal['kind'])})")
        if goal.get("why"):
            lines.extend(f"{why}: {line}" for line in goal["why"].splitlines())
        if goal.get("success"):
            lines.extend(f"{success}: {line}" for line in goal["success"].splitlines())
        if goal.get("indicator_name"):
            lines.append(
                f"{indicator}: {goal['indicator_name']} "
                f"({baseline} {goal.get('indicator_baseline') or '–'}, {target} {goal.get('indicator_target') or '–'})"
            )
        for item in goal.get("milestones", []):
            lines.append(f"{milestone}: {item['due_on']} {item['title']}")
        if goal.get("partners"):
            lines.append(f"{partners}: {', '.join(goal['partners'])}")
    return lines


def _mark_words(a: str, b: str) -> tuple[SafeString, SafeString]:
    """Mark changed words within a changed line: <del> on the left, <ins> on the right."""
    left_words, right_words = a.split(" "), b.split(" ")
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left_words, right_words).get_opcodes():
        old, new = escape(" ".join(left_words[i1:i2])), escape(" ".join(right_words[j1:j2]))
        if tag == "equal":
            left.append(old)
            right.append(new)
        else:
            if old:
                left.append(f"<del>{old}</del>")
            if new:
                right.append(f"<ins>{new}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 (escaped above)  # nosec B308 B703


def compare_revisions(old: Revision, new: Revision) -> list[dict]:
    """Side-by-side rows: {"tag": equal|replace|delete|insert, "left": html, "right": html}."""
    a, b = snapshot_lines(old.snapshot), snapshot_lines(new.snapshot)
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend({"tag": tag, "left": escape(line), "right": escape(line)} for line in a[i1:i2])
        elif tag == "replace":
            for offset in range(max(i2 - i1, j2 - j1)):
                left = a[i1 + offset] if i1 + offset < i2 else None
                right = b[j1 + offset] if j1 + offset < j2 else None
                if left is not None and right is not None:
                    marked_left, marked_right = _mark_words(left, right)
                    rows.append({"tag": "replace", "left": marked_left, "right": marked_right})
                elif left is not None:
                    rows.append({"tag": "delete", "left": mark_safe(f"<del>{escape(left)}</del>"), "right": ""})  # noqa: S308  # nosec B308 B703
                else:
                    rows.append({"tag": "insert", "left": "", "right": mark_safe(f"<ins>{escape(right)}</ins>")})  # noqa: S308  # nosec B308 B703
        elif tag == "delete":
            rows.extend(
                {"tag": tag, "left": mark_safe(f"<del>{escape(line)}</del>"), "right": ""}  # noqa: S308  # nosec B308 B703
                for line in a[i1:i2]
            )
        else:
            rows.extend(
                {"tag": tag, "left": "", "right": mark_safe(f"<ins>{escape(line)}</ins>")}  # noqa: S308  # nosec B308 B703
                for line in b[j1:j2]
            )
    return rows


# --- Who a step concerns (the confirmation pages name them before the step is taken) -------------


def _current_people(**filters) -> list:
    """The people holding one of the roles now, by name, each once: one query."""
    from django.contrib.auth import get_user_model

    from organisation.models import Membership

    person_ids = Membership.objects.current().filter(**filters).values("person_id")
    return list(
        get_user_model()
        .objects.filter(pk__in=person_ids, is_active=True)
        .only("id", "full_name", "email")
        .order_by("full_name", "pk")
    )


def workplace_leaders(agreement: Agreement) -> list:
    from organisation.models import Role

    return _current_people(role=Role.WORKPLACE_LEADER, workplace_id=agreement.workplace_id)


def centre_heads(agreement: Agreement) -> list:
    from organisation.models import Role

    if not agreement.workplace.centre_id:
        return []
    return _current_people(role=Role.CENTRE_HEAD, centre_id=agreement.workplace.centre_id)


def committee_people(agreement: Agreement) -> list:
    """The members and chairs of the workplace's responsible committees."""
    from organisation.models import COMMITTEE_ROLES

    committee_ids = [c.pk for c in agreement.workplace.committees.all()]
    return _current_people(role__in=COMMITTEE_ROLES, committee_id__in=committee_ids)


def dialogue_audience(agreement: Agreement) -> list:
    """Who may comment once the draft is in dialogue: the committee and the head of area."""
    people = {p.pk: p for p in committee_people(agreement)}
    for person in centre_heads(agreement):
        people.setdefault(person.pk, person)
    return sorted(people.values(), key=lambda p: (p.full_name, p.pk))


@dataclass
class SignerGroup:
    kind: str
    label: str
    people: list


def pending_signers(agreement: Agreement, *, after=None) -> list[SignerGroup]:
    """The signatures still missing on the approved text — each with the people who can
    give it — counting `after` (a person about to sign) as having given theirs."""
    from . import workflows

    done = set(approvals_of(agreement))
    if after is not None:
        kind = workflows.signing_kind(after, agreement)
        if kind:
            done.add(kind)
    labels = {Approval.Kind.LEADER: _("The workplace leader"), Approval.Kind.CENTRE_HEAD: _("The head of area")}
    groups = []
    for kind in workflows.required_signatures(agreement):
        if kind in done or kind == Approval.Kind.CHAIR:
            continue
        people = workplace_leaders(agreement) if kind == Approval.Kind.LEADER else centre_heads(agreement)
        groups.append(SignerGroup(kind=kind, label=labels[kind], people=people))
    return groups


def unanswered_comments(agreement: Agreement) -> list[GoalComment]:
    """Comments in the dialogue nobody has answered yet: a comment without a reply, not
    written by the workplace's own leader (the leader answers the others)."""
    leader_ids = [p.pk for p in workplace_leaders(agreement)]
    return list(
        GoalComment.objects.filter(goal__agreement=agreement, reply_to=None, replies__isnull=True)
        .exclude(author_id__in=leader_ids)
        .select_related("author", "goal")
        .order_by("goal__order", "goal_id", "created_at", "pk")
    )
