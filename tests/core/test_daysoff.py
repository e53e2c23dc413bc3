"""The one calendar of days off (samspil/daysoff.py): public holidays from the `holidays`
package for working days, and the municipality's closed days for visits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from samspil import daysoff

D = dt.date


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 12, 24), "Juleaftensdag"),
        (D(2026, 12, 25), "Juledag"),
        (D(2026, 12, 26), "Anden juledag"),
        (D(2026, 12, 31), "Nytårsaften"),
        (D(2027, 1, 1), "Nytårsdag"),
        # Easter 2027 (28.3): Maundy Thursday, Good Friday, Easter Monday; Ascension; Whitsun.
        (D(2027, 3, 25), "Skærtorsdag"),
        (D(2027, 3, 26), "Langfredag"),
        (D(2027, 3, 29), "Anden påskedag"),
        (D(2027, 5, 6), "Kristi himmelfartsdag"),
        (D(2027, 5, 17), "Anden pinsedag"),
        (D(2027, 6, 5), "Grundlovsdag"),
    ],
)
def test_the_municipality_takes_no_visits_on_these_days(day, name):
    with translation.override("da"):
        assert daysoff.closed_day(day) == name


@pytest.mark.parametrize("day", [D(2026, 12, 23), D(2026, 12, 28), D(2027, 1, 4), D(2027, 3, 24), D(2027, 4, 23)])
def test_ordinary_days_are_open(day):
    assert daysoff.closed_day(day) is None


def test_store_bededag_is_gone_from_2024_and_workers_day_is_a_setting(settings):
    assert daysoff.closed_day(D(2023, 5, 5)) is not None  # Store bededag 2023
    assert daysoff.closed_day(D(2024, 4, 26)) is None  # abolished
    assert daysoff.closed_day(D(2027, 5, 1)) is None
    settings.MUNICIPAL_DAYS_OFF = ["12-24", "12-31", "06-05", "05-01"]
    assert daysoff.closed_day(D(2027, 5, 1)) is not None
    settings.MUNICIPAL_DAYS_OFF = []
    assert daysoff.closed_day(D(2026, 12, 24)) is None
    assert daysoff.closed_day(D(2026, 12, 25)) is not None  # a public holiday stays closed


def test_closed_days_between_dates_span_the_new_year():
    with translation.override("da"):
        days = daysoff.closed_days(D(2026, 12, 20), D(2027, 1, 3))
    assert list(days) == [D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 31), D(2027, 1, 1)]


def test_working_days_are_the_public_holidays_of_the_same_calendar():
    # Committee cases count in these (cases/deadlines.py imports this helper).
    from cases import deadlines

    assert deadlines.is_working_day is daysoff.is_working_day
    assert not daysoff.is_working_day(D(2026, 12, 25))
    assert not daysoff.is_working_day(D(2026, 12, 26))  # a Saturday as well
    assert daysoff.is_working_day(D(2026, 12, 28))
