"""The hearing figures: a tab of the coverage dashboard beside dialogue coverage, with its
filters (period, committee, centre, kind of workplace; coverage.views._filters) and a CSV
export of exactly what is shown."""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.views import _filters, safe_cell

from . import selectors


def _context(request) -> dict:
    filters = _filters(request)  # checks the dashboard permission
    figures = selectors.hearing_figures(
        scope=filters.scope,
        start=filters.period.start,
        end=filters.period.end,
        page_size=PAGE_SIZE,
        page=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": filters.form, "period": filters.period, "figures": figures, "export_query": query.urlencode()}


# Workplaces per page of the figures (the CSV export has them all), as the coverage tab.
PAGE_SIZE = 50


def figures(request):
    context = _context(request)
    # 2,000 workplace rows took 0.8 s to render at scale: a page of them, like the coverage tab
    # (the database aggregates only that page's workplaces' rows into figures).
    context["page"] = Paginator(context["figures"]["workplaces"], PAGE_SIZE).get_page(request.GET.get("page"))
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
