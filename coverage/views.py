"""The coverage dashboard, its exports and the committee rotation plan.

Thin views: parse the filters, check the permission, ask coverage/selectors.py, render.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meetings.models import MeetingKind
from organisation.models import Centre, ElectoralTerm, Workplace, WorkplaceKind
from organisation.roles import roles_of

from . import charts, freshness, selectors, stats
from .forms import CUSTOM, LAST_12_MONTHS, DashboardFilterForm, PlanForm
from .permissions import get_committee_plan_for_user, require_dashboard

# Gaps first (the default sort is by status) and 50 rows a page: the page renders the
# same amount whatever the number of workplaces; the summary, charts and exports cover all.
PAGE_SIZE = 50


@dataclass
class Filters:
    form: DashboardFilterForm
    period: selectors.Period
    scope: object  # QuerySet[Workplace]
    counted_kinds: list | None
    meeting_kinds: list
    terms: list
    committees: list
    sort: str


def _filters(request, choices=None) -> Filters:
    """The filter form and what it selects. Queries: terms, committees, centres,
    workplace kinds, meeting kinds (each once, for the form and the report), unless
    `choices` brings them (a callable answering a dict of the five lists, the committees
    all the active ones; cases/figures.py reads them in one query or from its cache),
    called after the permission check."""
    user = request.user
    require_dashboard(user)
    if choices is not None:
        lists = choices()
        terms = lists["terms"]
        committees = selectors.committees_in_scope_of(user, lists["committees"])
        centres = lists["centres"]
        workplace_kinds = lists["workplace_kinds"]
        meeting_kinds = lists["meeting_kinds"]
    else:
        terms = list(ElectoralTerm.objects.all())
        committees = list(selectors.committees_in_scope(user))
        centres = list(Centre.objects.all())
        workplace_kinds = list(WorkplaceKind.objects.all())
        meeting_kinds = list(MeetingKind.objects.all())
    form = DashboardFilterForm(
        request.GET or None,
        terms=terms,
        committees=committees,
        centres=centres,
        workplace_kinds=workplace_kinds,
        meeting_kinds=meeting_kinds,
    )
    data = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    period = selectors.last_twelve_months()
    choice = data.get("period") or LAST_12_MONTHS
    if choice == CUSTOM and data.get("date_from") and data.get("date_to") and not form.errors:
        label = _("%(start)s to %(end)s") % {
            "start": formats.date_format(data["date_from"], "SHORT_DATE_FORMAT"),
            "end": formats.date_format(data["date_to"], "SHORT_DATE_FORMAT"),
        }
        period = selectors.Period(data["date_from"], data["date_to"], label)
    elif choice in form.terms:
        period = selectors.term_period(form.terms[choice])
    scope = selectors.workplaces_in_scope(user)
    if slug := data.get("committee"):
        scope = scope.filter(
            pk__in=Workplace.committees.through.objects.filter(committee__slug=slug).values("workplace_id")
        )
    if slug := data.get("centre"):
        scope = scope.filter(centre__slug=slug)
    if slug := data.get("workplace_kind"):
        scope = scope.filter(kind__slug=slug)
    counted = None
    if slug := data.get("meeting_kind"):
        counted = [kind for kind in meeting_kinds if kind.slug == slug]
    return Filters(form, period, scope, counted, meeting_kinds, terms, committees, request.GET.get("sort", "status"))


def _report(filters: Filters, version: str | None = None) -> selectors.Report:
    return selectors.cached_coverage_report(
        scope=filters.scope,
        period=filters.period,
        meeting_kinds=filters.counted_kinds,
        available_kinds=filters.meeting_kinds,
        version=version,
    )


def _columns(report: selectors.Report) -> list[tuple[str, str]]:
    """The table's sortable columns, in order: (sort key, heading).

    What people read first — status and days since the last contact — comes right after
    the name, so it is on screen at 1280 px without sideways scrolling; the descriptive
    columns (kind, centre) come last.
    """
    return [
        ("name", _("Workplace")),
        ("status", _("Status")),
        ("days", _("Days since")),
        ("last", _("Last contact")),
        ("total", _("Contacts")),
        *[(f"kind-{kind.slug}", kind.label) for kind in report.kinds],
        ("politicians", _("Politicians met")),
        ("challenges", _("Challenges told")),
        ("committees", _("Committees met")),
        ("kind", _("Kind")),
        ("centre", _("Centre")),
    ]


def dashboard(request):
    """The page below the navigation is rendered once per data version (coverage/freshness.py),
    person, language, day and query string, and served from the cache until the data
    changes: a repeated view costs the permission check and the version's query. The
    report behind it is cached too, shared by everyone with the same scope and filters."""
    require_dashboard(request.user)
    key, version = _page_key(request)
    body = cache.get(key) if key else None
    context = {}
    if body is None:
        filters = _filters(request)
        export_query = request.GET.copy()
        export_query.pop("page", None)
        export_query["sort"] = filters.sort
        context = {
            "form": filters.form,
            "period": filters.period,
            "target": selectors.target_from_settings(),
            "export_query": export_query.urlencode(),
            **_figures(request, filters, _report(filters, version)),
        }
        # Without the context processors: the fragment needs only the request (the
        # pagination's links), and they would run their queries a second time.
        body = render_to_string("coverage/_dashboard_body.html", {**context, "request": request})
        if key:
            cache.set(key, body, selectors.cache_seconds())
    # Our own template's output, escaped when it was rendered.
    context["body"] = mark_safe(body)  # noqa: S308 (escaped when rendered)  # nosec B308 B703
    return render(request, "coverage/dashboard.html", context)


def _page_key(request) -> tuple[str | None, str | None]:
    """Everything the page shows depends on: the data (its version covers the meetings,
    memberships and so roles, workplaces, committees, centres, kinds and terms), who asks,
    in which language, on which day, with which filters, sort and page."""
    if selectors.cache_seconds() <= 0:
        return None, None
    version = freshness.VERSION.read()
    if version is None:
        return None, None
    identity = repr(
        (
            request.user.pk,
            get_language(),
            timezone.localdate(),
            sorted(request.GET.lists()),
            selectors.target_from_settings(),
        )
    )
    return freshness.VERSION.cache_key("page", version, identity), version


def _figures(request, filters: Filters, report: selectors.Report) -> dict:
    """The context of the figures below the filters."""
    rows, sort = selectors.sort_rows(report.rows, filters.sort, report.kinds)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    base = query.urlencode()
    headers = []
    for key, heading in _columns(report):
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        next_sort = key if (not current or descending) else f"-{key}"
        headers.append(
            {
                "key": key,
                "label": heading,
                "url": "?" + (base + "&" if base else "") + urlencode({"sort": next_sort}),
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    for row in page.object_list:
        row.kind_counts = [row.by_kind.get(kind.pk, 0) for kind in report.kinds]
    elections = [
        (term.election_date, term.name)
        for term in sorted(filters.terms, key=lambda t: t.election_date or dt.date.min)
        if term.election_date and report.period.start <= term.election_date <= report.period.end
    ]
    return {
        "quarter_rows": _quarter_rows(report),
        "report": report,
        "page": page,
        "headers": headers,
        "heat": charts.heat_map(page.object_list, report.quarters),
        "chart": charts.monthly_chart(report.months, report.meetings_per_month, elections),
        "elections": elections,
        "month_rows": list(zip(report.months, report.meetings_per_month, strict=True)),
        "status": stats,
        "plannable": _plannable(request.user, filters),
    }


def _quarter_rows(report: selectors.Report) -> list[dict]:
    """Quarter by quarter, with the change from the quarter before (in points)."""
    result, previous = [], None
    for summary in report.quarter_summaries:
        share, gini = round(summary.share_without * 100), round(summary.gini, 2)
        result.append(
            {
                "summary": summary,
                "share": share,
                "gini": gini,
                "share_change": None if previous is None else share - previous["share"],
                "gini_change": None if previous is None else round(gini - previous["gini"], 2),
                "contacts_change": None if previous is None else summary.contacts - previous["summary"].contacts,
            }
        )
        previous = result[-1]
    return result


def _plannable(user, filters: Filters) -> list:
    """The committees the person may plan a rotation for (links under the summary)."""
    return [committee for committee in filters.committees if user.has_perm("coverage.plan_committee", committee)]


# --- Exports ---------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV/XLSX
    injection); numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _export_table(report: selectors.Report, rows) -> tuple[list[str], list[list]]:
    header = [label for _key, label in _columns(report)]
    body = []
    for row in rows:
        body.append(
            [
                row.name,
                row.status_label,
                row.days_since,
                row.last_contact_date,
                row.total,
                *[row.by_kind.get(kind.pk, 0) for kind in report.kinds],
                row.politicians,
                row.challenges,
                ", ".join(row.committees),
                row.kind,
                row.centre,
            ]
        )
    return header, body


def export(request, fmt: str):
    """Exactly the table the dashboard shows (same filters, period, columns and order),
    every page of it."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    filters = _filters(request)
    report = _report(filters)
    rows, _sort = selectors.sort_rows(report.rows, filters.sort, report.kinds)
    header, body = _export_table(report, rows)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        # Semicolons and a byte order mark: what Danish Excel opens without a wizard.
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([safe_cell(value) for value in header])
        for line in body:
            writer.writerow(["" if value is None else safe_cell(value) for value in line])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Coverage")[:31]
        sheet.append([safe_cell(value) for value in header])
        for line in body:
            sheet.append([safe_cell(value) for value in line])
        sheet.freeze_panes = "B2"
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="daekning-{stamp}.{fmt}"'
    return response


# --- Planning ----------------------------------------------------------------------------


def plan_index(request):
    require_dashboard(request.user)
    committees = [
        committee
        for committee in selectors.committees_in_scope(request.user)
        if request.user.has_perm("coverage.plan_committee", committee)
    ]
    return render(request, "coverage/plan_index.html", {"committees": committees})


def plan(request, slug: str):
    committee = get_committee_plan_for_user(request.user, slug)
    form = PlanForm(request.GET or None)
    months, per_month = 6, 2
    if form.is_bound and form.is_valid():
        months, per_month = form.cleaned_data["months"] or 6, form.cleaned_data["per_month"] or 2
    scope = Workplace.objects.filter(
        is_active=True,
        pk__in=Workplace.committees.through.objects.filter(committee=committee).values("workplace_id"),
    )
    today = timezone.localdate()
    report = selectors.coverage_report(scope=scope, period=selectors.last_twelve_months(today), today=today)
    upcoming = selectors.upcoming_by_workplace(scope, now=timezone.now())
    suggestions = selectors.rotation(report, months=months, per_month=per_month, today=today, planned=upcoming)
    already = sorted(
        ((row, upcoming[row.pk]) for row in report.rows if row.pk in upcoming and row.status != stats.MET),
        key=lambda pair: pair[1],
    )
    user = request.user
    # Only the committee's own members book its visits; others would meet a 403 behind the button.
    may_book = committee.pk in roles_of(user).committee_ids
    may_create = user.has_perm("meetings.add_meeting")
    for suggestion in suggestions:
        row = suggestion.row
        suggestion.visit_url = (
            reverse("meetings:visit_times") + "?" + urlencode({"committee": committee.slug, "workplace": row.slug})
            if may_book
            else ""
        )
        suggestion.meeting_url = (
            reverse("meetings:meeting_create")
            + "?"
            + urlencode({"kind": MeetingKind.DIALOGUE, "committee": committee.slug, "host": row.slug})
            if may_create
            else ""
        )
    context = {
        "committee": committee,
        "form": form,
        "report": report,
        "suggestions": suggestions,
        "already": already,
        "on_target": report.met,
    }
    return render(request, "coverage/plan.html", context)
