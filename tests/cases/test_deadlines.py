"""The hearing deadline counts working days back from the meeting: weekends and Danish
public holidays (from the `holidays` package) do not count."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.deadlines import hearing_deadline, is_working_day, working_days_before

D = dt.date


@pytest.mark.parametrize(
    ("meeting", "days", "deadline"),
    [
        # An ordinary week: Wednesday − 2 working days = Monday.
        (D(2027, 3, 10), 2, D(2027, 3, 8)),
        # Over a weekend: Monday − 1 = the Friday before.
        (D(2027, 3, 15), 1, D(2027, 3, 12)),
        # Easter 2027: Maundy Thursday 25.3, Good Friday 26.3, Easter Monday 29.3 are holidays.
        # Tuesday 30.3 − 1 working day = Wednesday 24.3 (skipping Mon 29, Sun, Sat, Fri 26, Thu 25).
        (D(2027, 3, 30), 1, D(2027, 3, 24)),
        (D(2027, 3, 30), 3, D(2027, 3, 22)),
        # Easter 2026 (5.4): Thursday 2.4 to Monday 6.4.
        (D(2026, 4, 7), 1, D(2026, 4, 1)),
        # Christmas 2026: 25.12 (Friday) and 26.12 (Saturday) are holidays; New Year's Day 1.1.2027.
        # Monday 4.1.2027 − 3 working days: Thu 31.12, Wed 30.12, Tue 29.12.
        (D(2027, 1, 4), 3, D(2026, 12, 29)),
        # Monday 28.12.2026 − 1: Sun 27, Sat 26, Fri 25 (Christmas Day) → Thursday 24.12.
        (D(2026, 12, 28), 1, D(2026, 12, 24)),
    ],
)
def test_the_deadline_skips_weekends_and_danish_holidays(meeting, days, deadline):
    assert working_days_before(meeting, days) == deadline


def test_holidays_come_from_the_library_not_a_list():
    assert not is_working_day(D(2027, 5, 6))  # Ascension Day 2027 (moves with Easter)
    assert not is_working_day(D(2028, 4, 14))  # Good Friday 2028
    assert is_working_day(D(2027, 5, 7))


def test_the_setting_says_how_many_working_days(settings):
    settings.CASES_HEARING_WORKING_DAYS = 10
    # Two working weeks before Wednesday 14.4.2027, no holidays in between: Wednesday 31.3.
    assert hearing_deadline(D(2027, 4, 14)) == D(2027, 3, 31)
    # Easter 2027 in between: Good Friday 26.3 and Easter Monday 29.3 push it back two days
    # (Maundy Thursday 25.3 too, and the deadline cannot land on it).
    assert hearing_deadline(D(2027, 4, 7)) == D(2027, 3, 19)
