"""The hearing figures: a tab of the coverage dashboard beside dialogue coverage, with its
filters (period, committee, centre, kind of workplace; coverage.views._filters) and a CSV
export of exactly what is shown."""

from __future__ import annotations

import csv
import io

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coverage.selectors import cache_seconds
from coverage.views import _filters, safe_cell
from meetings.models import MeetingKind
from organisation.models import Centre, Committee, ElectoralTerm, WorkplaceKind
from samspil import crispy_html

from . import freshness, selectors

# The filter form's lists (coverage.views._filters), each in its model's order; the
# committees the active ones (the person's scope is picked from them in Python).
CHOICES = [
    ("terms", ElectoralTerm, ""),
    ("committees", Committee, "is_active"),
    ("centres", Centre, ""),
    ("workplace_kinds", WorkplaceKind, ""),
    ("meeting_kinds", MeetingKind, ""),
]


def _choices_sql() -> str:
    """One UNION ALL over the five tables: each branch's columns at their own positions
    (NULL elsewhere, so no two tables' columns meet), its rows numbered in its model's
    order (SQLite orders only the whole of a UNION)."""
    quote = connection.ops.quote_name
    every = [field for _name, model, _where in CHOICES for field in model._meta.concrete_fields]
    # A typed NULL: PostgreSQL types a UNION's column from its first branches.
    nulls = [f"CAST(NULL AS {field.cast_db_type(connection)})" for field in every]
    branches, start = [], 0
    for index, (_name, model, where) in enumerate(CHOICES):
        fields = model._meta.concrete_fields
        columns = list(nulls)
        for offset, field in enumerate(fields):
            columns[start + offset] = quote(field.column)
        order = ", ".join(
            f"{quote(model._meta.get_field(key.lstrip('-')).column)}{' DESC' if key.startswith('-') else ''}"
            for key in model._meta.ordering
        )
        branches.append(
            f"SELECT {index}, row_number() OVER (ORDER BY {order}), {', '.join(columns)}"  # noqa: S608  # nosec B608 (the models' own names)
            f" FROM {quote(model._meta.db_table)}" + (f" WHERE {quote(where)}" if where else "")
        )
        start += len(fields)
    return " UNION ALL ".join(branches)


def read_choices() -> dict[str, list]:
    """The filter form's five lists, as model instances, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_choices_sql())
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[1]))
    starts, start = [], 0
    for _name, model, _where in CHOICES:
        starts.append(start)
        start += len(model._meta.concrete_fields)
    lists: dict[str, list] = {name: [] for name, _model, _where in CHOICES}
    for row in rows:
        name, model, _where = CHOICES[row[0]]
        fields = model._meta.concrete_fields
        first = 2 + starts[row[0]]
        # to_python: SQLite's dates are text and its booleans integers.
        values = [field.to_python(value) for field, value in zip(fields, row[first : first + len(fields)], strict=True)]
        lists[name].append(model.from_db(connection.alias, [field.attname for field in fields], values))
    return lists


# The five lists of the latest data version this process has read them at: (key, lists).
# One entry, replaced when the version moves; the lists are only read (the form copies them).
_choices_in_process: tuple[str, dict[str, list]] | None = None


def _cached_choices(version: str | None):
    """The five lists under the data version (cases/freshness.py): kept in the process (a
    Redis round trip and unpickling them cost more than the lists), read when missing."""

    def choices() -> dict[str, list]:
        global _choices_in_process
        if version is None or cache_seconds() <= 0:
            return read_choices()
        key = freshness.VERSION.cache_key("choices", version, "")
        held = _choices_in_process
        if held is not None and held[0] == key:
            return held[1]
        lists = read_choices()
        _choices_in_process = (key, lists)
        return lists

    return choices


def _context(request) -> dict:
    version = freshness.VERSION.read()
    filters = _filters(request, choices=_cached_choices(version))  # checks the dashboard permission
    figures = selectors.hearing_figures(
        scope=filters.scope,
        start=filters.period.start,
        end=filters.period.end,
        page_size=PAGE_SIZE,
        page=request.GET.get("page"),
        version=version,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": filters.form, "period": filters.period, "figures": figures, "export_query": query.urlencode()}


# Workplaces per page of the figures (the CSV export has them all), as the coverage tab.
PAGE_SIZE = 50
# The dashboard's filters that the figures offer (not the kind of meeting).
FILTER_FIELDS = ("period", "date_from", "date_to", "committee", "centre", "workplace_kind")


def figures(request):
    context = _context(request)
    # 2,000 workplace rows took 0.8 s to render at scale: a page of them, like the coverage tab
    # (the database aggregates only that page's workplaces' rows into figures).
    page = context["page"] = Paginator(context["figures"]["workplaces"], PAGE_SIZE).get_page(request.GET.get("page"))
    form = context["form"]

    def render_parts() -> dict[str, str]:
        # The filter fields as crispy writes them, its template only for a field with an error.
        parts = {name: crispy_html.field_html(form[name]) or as_crispy_field(form[name]) for name in FILTER_FIELDS}
        table = engines["jinja2"].get_template("cases/_figures_table.jinja").template
        parts["committee_table"] = mark_safe(  # noqa: S308  # nosec B308 B703 - Jinja2 autoescaped it
            table.render(rows=context["figures"]["committees"], first=_("Committee"), label=_("Hearings per committee"))
        )
        parts["workplace_table"] = mark_safe(  # noqa: S308  # nosec B308 B703 - Jinja2 autoescaped it
            table.render(rows=page.object_list, first=_("Workplace"), label=_("Hearings per workplace"))
        )
        return parts

    # The filters and the two tables are the same for everyone who asks for the same figures
    # in the same language with the same filter values: kept beside the figures, under their
    # key (the data version), instead of rendering ≈ 110 rows and 80 options per request.
    key = context["figures"]["key"]
    if key is None or form.errors:
        context["parts"] = render_parts()
    else:
        bound = [(name, form[name].value()) for name in FILTER_FIELDS]
        html_key = freshness.VERSION.cache_key("figures-html", key, repr((get_language(), bound, page.number)))
        context["parts"] = cache.get(html_key)
        if context["parts"] is None:
            context["parts"] = render_parts()
            cache.set(html_key, context["parts"], cache_seconds())
    return render(request, "cases/figures.html", context)


def _percent(value: float | None):
    return None if value is None else round(value * 100)


def _days(value: float | None):
    return None if value is None else round(value, 1)


def export_csv(request):
    context = _context(request)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # what Danish Excel opens without a wizard (as coverage's export)
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Level"),
            _("Name"),
            _("Cases"),
            _("Heard before treatment (%)"),
            _("Overrides"),
            _("Median days to answer"),
            _("Spoke at the committee"),
        ]
    )
    for level, rows in (
        (_("Workplace"), context["figures"]["workplaces"]),
        (_("Committee"), context["figures"]["committees"]),
    ):
        for row in rows:
            values = [
                level,
                row.name,
                row.cases,
                _percent(row.heard_share),
                row.overrides,
                _days(row.median_days),
                row.spoke,
            ]
            writer.writerow(["" if v is None else safe_cell(v) for v in values])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hoeringer-{timezone.localdate().isoformat()}.csv"'
    return response
