"""Plain arithmetic for the coverage dashboard: no database, so tests check it by hand.

The dashboard's definitions live here in one place:

- A *contact* is a meeting with status "held" (the organiser or the host's leader marked
  it so in the meetings app) in which the workplace took part, as host or as one of the
  meeting's other workplaces. Planned and confirmed meetings in the past do not count:
  a meeting nobody marked as held may not have happened, and counting it would flatter
  the figures. The dashboard says so on the page.
- The *target* is ``COVERAGE_TARGET_PER_YEAR`` contacts a year (default 1).
- *Status* of a workplace at the end of a period (or today, if the period runs on):
  **missed** when it has had no contact in the last ``365 / target`` days, or, over a
  period of more than a year, fewer contacts than the target prorated to the period
  (rounded down); **due soon** when the target is still met but the last contact is
  older than ``COVERAGE_DUE_SOON_MONTHS`` months (default 10, scaled by the target);
  **met** otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MET = "met"
DUE_SOON = "due_soon"
MISSED = "missed"
STATUS_LABELS = {MET: _("met"), DUE_SOON: _("due soon"), MISSED: _("missed")}
# Sorting by status puts the workplaces that need attention first.
STATUS_ORDER = {MISSED: 0, DUE_SOON: 1, MET: 2}


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient of non-negative values: 0 when every workplace has the same
    number of contacts, approaching 1 when one workplace has them all.

        G = Σ_i Σ_j |x_i − x_j| / (2 n² μ)

    where n is the number of values and μ their mean. Computed in O(n log n) from the
    sorted values x_(1) ≤ … ≤ x_(n) with the identical form

        G = 2 Σ_i i·x_(i) / (n Σ x) − (n + 1) / n.

    Example: [0, 0, 0, 10] → 0.75. No values, or all zero, give 0 (nothing is unequal).
    """
    if any(value < 0 for value in values):
        raise ValueError("the Gini coefficient needs non-negative values")
    n = len(values)
    total = float(sum(values))
    if n == 0 or total == 0:
        return 0.0
    ranked = sorted(values)
    weighted = sum(rank * value for rank, value in enumerate(ranked, start=1))
    return 2 * weighted / (n * total) - (n + 1) / n


@dataclass(frozen=True)
class Target:
    per_year: float = 1.0
    due_soon_months: float = 10.0

    @property
    def interval_days(self) -> float | None:
        """At most this many days between contacts; None when there is no target."""
        return 365 / self.per_year if self.per_year > 0 else None

    def required(self, days: int) -> int:
        """Whole contacts a period of `days` days must hold (the target prorated, rounded
        down: a year needs 1 at the default target, a four-year term 4, a quarter 0)."""
        return math.floor(self.per_year * days / 365 + 1e-9) if self.per_year > 0 else 0

    def status(self, *, contacts: int, days_since: int | None, period_days: int) -> str:
        interval = self.interval_days
        if interval is None:
            return MET
        if days_since is None or days_since > interval or contacts < self.required(period_days):
            return MISSED
        if days_since > interval * self.due_soon_months / 12:
            return DUE_SOON
        return MET


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Bucket:
    """One column of the heat map or one bar of the monthly chart: [start, end] clipped
    to the period."""

    start: dt.date
    end: dt.date  # inclusive
    label: str
    partial: bool = False


def month_buckets(start: dt.date, end: dt.date) -> list[Bucket]:
    buckets = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        following = add_months(month, 1)
        first, last = max(month, start), min(following - dt.timedelta(days=1), end)
        buckets.append(
            Bucket(first, last, f"{month:%Y-%m}", partial=(first, last) != (month, following - dt.timedelta(days=1)))
        )
        month = following
    return buckets


def quarter_buckets(start: dt.date, end: dt.date) -> list[Bucket]:
    buckets = []
    quarter = quarter_start(start)
    while quarter <= end:
        following = add_months(quarter, 3)
        first, last = max(quarter, start), min(following - dt.timedelta(days=1), end)
        label = gettext("%(year)s Q%(quarter)s") % {"year": quarter.year, "quarter": (quarter.month - 1) // 3 + 1}
        full = (quarter, following - dt.timedelta(days=1))
        buckets.append(Bucket(first, last, label, partial=(first, last) != full))
        quarter = following
    return buckets
