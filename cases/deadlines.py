"""The hearing deadline: a set number of working days before the committee meeting.

Working days are Monday to Friday except Danish public holidays: the project's one calendar
of days off (samspil/daysoff.py, read from the maintained `holidays` package), which the
visit times use too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from samspil.daysoff import is_working_day

__all__ = ["hearing_deadline", "is_working_day", "working_days_before", "working_days_between"]


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
