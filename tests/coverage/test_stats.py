"""The dashboard's arithmetic, checked by hand."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from coverage import stats


def gini_by_definition(values):
    """G = Σ_i Σ_j |x_i − x_j| / (2 n² μ), written out literally."""
    n = len(values)
    mean = sum(values) / n
    if mean == 0:
        return 0.0
    return sum(abs(a - b) for a, b in itertools.product(values, repeat=2)) / (2 * n * n * mean)


def test_one_workplace_with_every_contact_among_four_gives_three_quarters():
    assert stats.gini([0, 0, 0, 10]) == pytest.approx(0.75)


def test_it_matches_a_hand_computation():
    # [1, 2, 3, 4]: Σ|xi−xj| over ordered pairs = 2·(1+2+3+1+2+1) = 20; n = 4, μ = 2.5
    # G = 20 / (2 · 16 · 2.5) = 0.25
    assert stats.gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert stats.gini([4, 1, 3, 2]) == pytest.approx(0.25)


def test_an_even_spread_gives_zero_and_nothing_gives_zero():
    assert stats.gini([3, 3, 3]) == 0
    assert stats.gini([0, 0, 0]) == 0
    assert stats.gini([]) == 0


def test_the_fast_form_equals_the_definition_on_random_distributions():
    rng = random.Random(7)
    for _ in range(200):
        values = [rng.choice([0, 0, 1, 2, 3, 8]) for _ in range(rng.randrange(1, 30))]
        assert stats.gini(values) == pytest.approx(gini_by_definition(values))


def test_it_refuses_negative_values():
    with pytest.raises(ValueError):
        stats.gini([1, -1])


def test_status_is_missed_after_a_year_without_contact_and_due_soon_after_ten_months():
    target = stats.Target(per_year=1, due_soon_months=10)
    year = 365
    assert target.status(contacts=0, days_since=None, period_days=year) == stats.MISSED
    assert target.status(contacts=0, days_since=400, period_days=year) == stats.MISSED
    assert target.status(contacts=1, days_since=320, period_days=year) == stats.DUE_SOON
    assert target.status(contacts=1, days_since=30, period_days=year) == stats.MET


def test_a_longer_period_needs_the_target_prorated():
    target = stats.Target(per_year=1)
    term = 4 * 365
    assert target.required(term) == 4
    assert target.status(contacts=2, days_since=30, period_days=term) == stats.MISSED
    assert target.status(contacts=4, days_since=30, period_days=term) == stats.MET
    # A quarter needs no whole contact of its own, only one within the last year.
    assert target.required(91) == 0
    assert target.status(contacts=0, days_since=200, period_days=91) == stats.MET


def test_quarters_are_clipped_to_the_period():
    buckets = stats.quarter_buckets(dt.date(2025, 2, 15), dt.date(2025, 8, 1))
    assert [(b.start, b.end, b.partial) for b in buckets] == [
        (dt.date(2025, 2, 15), dt.date(2025, 3, 31), True),
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30), False),
        (dt.date(2025, 7, 1), dt.date(2025, 8, 1), True),
    ]
    months = stats.month_buckets(dt.date(2025, 12, 5), dt.date(2026, 2, 28))
    assert [b.label for b in months] == ["2025-12", "2026-01", "2026-02"]
    assert [b.partial for b in months] == [True, False, False]
