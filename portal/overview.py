"""The leadership's start page: an overview instead of an empty "what needs you".

For the director and administrators (the whole municipality) and heads of area (their
centre's workplaces, the scope the coverage dashboard gives them): the coverage trend,
the development agreements per state, the committee cases' hearings and the questions,
each linking to its page. A fixed number of queries, whatever the data's size.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F, Q
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext

from organisation.roles import RoleSet
from samspil.jinja2 import url


@dataclass(frozen=True)
class CoverageFigures:
    """What the overview shows of the coverage report (not the report's 2,000 rows)."""

    count: int
    without_contact: int
    met: int
    missed: int


@dataclass
class Overview:
    scope_label: str
    coverage: CoverageFigures
    chart: dict
    month_rows: list
    agreements: list[tuple[str, str, int, str]] = field(default_factory=list)  # status, label, count, url
    hearings: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)

    @property
    def coverage_text(self) -> str:
        """The plural form chosen here: the page body is Jinja2 (samspil/jinja2.py)."""
        n = self.coverage.without_contact
        return ngettext(
            "%(n)s of %(total)s workplaces had no contact.", "%(n)s of %(total)s workplaces had no contact.", n
        ) % {"n": n, "total": self.coverage.count}

    @property
    def median_days_text(self) -> str:
        return formats.localize(self.questions.get("median_days"))


# The shape of the cached figures (_compute): a new number when it changes, so that a
# deploy never reads an entry an older version of this code wrote.
CACHE_FORMAT = 2

# Small enough to read unscaled at 320 px; at 1280 it scales up with the card.
TREND_W, TREND_H = 360, 150
TREND_L, TREND_R, TREND_T, TREND_B = 26, 6, 8, 22


def trend_chart(months, counts: list[int], nice_max) -> dict:
    """Bars of held meetings per month (the coverage dashboard's figure, drawn small)."""
    axis_max = nice_max(max(counts, default=0))
    n = max(len(months), 1)
    plot_w, plot_h = TREND_W - TREND_L - TREND_R, TREND_H - TREND_T - TREND_B
    slot = plot_w / n
    bars = []
    for index, (bucket, count) in enumerate(zip(months, counts, strict=True)):
        height = plot_h * count / axis_max
        bars.append(
            {
                "x": round(TREND_L + index * slot + slot * 0.15, 1),
                "y": round(TREND_T + plot_h - height, 1),
                "height": round(height, 1),
                "count": count,
                "label": bucket.label,
                "tick": formats.date_format(bucket.start, "b") if index % 2 == 0 else "",
                "tick_x": round(TREND_L + index * slot + slot / 2, 1),
            }
        )
    return {
        "bars": bars,
        "bar_w": round(slot * 0.7, 1),
        "grid": [
            {"y": round(TREND_T + plot_h - plot_h * value / axis_max, 1), "value": value}
            for value in (0, axis_max // 2, axis_max)
        ],
        "width": TREND_W,
        "height": TREND_H,
        "left": TREND_L,
        "right": TREND_W - TREND_R,
        "bottom": TREND_T + plot_h,
        "tick_y": TREND_H - 6,
    }


def sees_overview(roles: RoleSet) -> bool:
    return roles.is_leadership or bool(roles.headed_centre_ids)


def _median_days(pairs) -> float | None:
    durations = [(answered - asked).total_seconds() / 86400 for asked, answered in pairs if answered and asked]
    return round(statistics.median(durations), 1) if durations else None


class _Median(Aggregate):
    """PostgreSQL's median of an expression (an interval here)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def overview_identity(roles: RoleSet, today: dt.date) -> tuple:
    """What the cached figures depend on besides the data versions."""
    from coverage.selectors import target_from_settings

    # What workplaces_in_scope(user) reads: the whole municipality, or the headed
    # centres' and chaired committees' workplaces.
    whole = roles.is_leadership
    scope = "whole" if whole else (sorted(roles.headed_centre_ids), sorted(roles.chaired_committee_ids))
    return (CACHE_FORMAT, scope, today, get_language(), target_from_settings())


def overview_for(user, roles: RoleSet) -> Overview | None:
    """The overview of the person's scope: the figures from the cache (portal/figures.py)
    when no table they read has changed since, else computed (≈ 10 queries)."""
    if not sees_overview(roles):
        return None
    from agreements.models import Agreement

    from . import figures

    today = timezone.localdate()
    data = figures.cached(user, "overview", overview_identity(roles, today), lambda: _compute(user, roles, today))

    agreements_url = url("agreements:list")
    counts = data["agreements"]
    return Overview(
        scope_label="",
        coverage=data["coverage"],
        chart=data["chart"],
        month_rows=data["month_rows"],
        agreements=[
            (value, label, counts.get(value, 0), f"{agreements_url}?{urlencode({'status': value, 'period': ''})}")
            for value, label in Agreement.Status.choices
        ],
        hearings=data["hearings"],
        questions=data["questions"],
    )


def _compute(user, roles: RoleSet, today: dt.date) -> dict:
    """The figures as plain values (the cached part of the overview)."""
    from agreements.models import Agreement
    from cases.models import Case, Hearing
    from coverage import charts
    from coverage.selectors import cached_coverage_report, last_twelve_months, local_midnight, workplaces_in_scope
    from questions.models import Question

    scope = workplaces_in_scope(user)
    whole = roles.is_leadership
    in_scope = Q() if whole else Q(workplace__centre_id__in=roles.headed_centre_ids)

    report = cached_coverage_report(scope=scope, period=last_twelve_months(today), today=today)
    chart = trend_chart(report.months, report.meetings_per_month, charts.nice_max)

    counts = dict(
        Agreement.objects.filter(in_scope)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    # The open hearings only: the partial index on the open hearings' deadline answers it.
    hearings = Hearing.objects.filter(in_scope, status=Hearing.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today))
    )
    cases = (
        Case.objects.all() if whole else Case.objects.filter(hearings__workplace__centre_id__in=roles.headed_centre_ids)
    )
    hearings["overridden"] = cases.filter(override_at__isnull=False).values("pk").distinct().count()

    answered = Question.Status.ANSWERED
    # The median over the last year's answers, from the start of today a year ago (a
    # day's figures are the same all day, so they can be cached for the day).
    since = local_midnight(today) - dt.timedelta(days=365)
    last_year = Q(status=answered, answered_at__gte=since)
    questions_in_scope = Question.objects.filter(in_scope).order_by()
    aggregates = {
        "open": Count("pk", filter=~Q(status=answered)),
        "overdue": Count("pk", filter=~Q(status=answered) & Q(deadline__lt=today)),
        "answered": Count("pk", filter=Q(status=answered)),
    }
    if connection.vendor == "postgresql":
        aggregates["median"] = _Median(F("answered_at") - F("asked_at"), filter=last_year)
        questions = questions_in_scope.aggregate(**aggregates)
        median = questions.pop("median")
        questions["median_days"] = round(median.total_seconds() / 86400, 1) if median is not None else None
    else:
        questions = questions_in_scope.aggregate(**aggregates)
        questions["median_days"] = _median_days(
            questions_in_scope.filter(last_year).values_list("asked_at", "answered_at")
        )
    return {
        "coverage": CoverageFigures(
            count=report.count, without_contact=report.without_contact, met=report.met, missed=report.missed
        ),
        "chart": chart,
        # The month's name in the request's language (part of the cache key), as |date:"F Y".
        "month_rows": [
            (formats.date_format(bucket.start, "F Y"), count)
            for bucket, count in zip(report.months, report.meetings_per_month, strict=True)
        ],
        "agreements": counts,
        "hearings": hearings,
        "questions": questions,
    }
