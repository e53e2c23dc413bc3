"""The hearing deadline: a set number of working days before the committee meeting.

Working days are Monday to Friday except Danish public holidays, read from the maintained
`holidays` package (Easter, Ascension, Whitsun and Christmas move or fall on different
weekdays each year; a hand-written list would rot).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _danish_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Denmark(years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The date `count` working days before `day` (the day itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    days, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            days += 1
    return days


def hearing_deadline(meeting_day: dt.date) -> dt.date:
    return working_days_before(meeting_day, settings.CASES_HEARING_WORKING_DAYS)
