"""Danish public holidays and the days the municipality closes: the one calendar of days off.

Read from the maintained `holidays` package (Easter, Ascension and Whitsun move each year,
Store Bededag was abolished from 2024; a hand-written list would rot). Two questions:

- `is_working_day(day)`: Monday to Friday and not a public holiday. Committee cases count
  hearing deadlines in these (cases/deadlines.py).
- `closed_day(day)`: the name of the day when the municipality takes no visits — a public
  holiday, or one of the days its staff have off by agreement (`MUNICIPAL_DAYS_OFF`:
  Christmas Eve, New Year's Eve and Constitution Day unless the settings say otherwise).
  Visit times are not offered or booked on such a day unless the workplace opens it
  explicitly (meetings: `HolidayOpening`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils.translation import get_language


def _language() -> str:
    return "en_US" if (get_language() or "da").startswith("en") else "da"


@lru_cache(maxsize=128)
def _public(year: int, language: str) -> dict[dt.date, str]:
    return dict(holidays.Denmark(years=year, language=language))


@lru_cache(maxsize=128)
def _closed(year: int, language: str, days_off: tuple[str, ...]) -> dict[dt.date, str]:
    days = dict(_public(year, language))
    optional = holidays.Denmark(years=year, categories=("optional",), language=language)
    for day, name in optional.items():
        if f"{day:%m-%d}" in days_off:
            days.setdefault(day, name)
    return days


def public_holiday(day: dt.date) -> str | None:
    """The holiday's name if the day is a Danish public holiday, else None."""
    return _public(day.year, _language()).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _public(day.year, "da")


def closed_days(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The days between start and end (both included) when the municipality takes no
    visits, with their names, in date order."""
    days_off = tuple(settings.MUNICIPAL_DAYS_OFF)
    language = _language()
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in sorted(_closed(year, language, days_off).items()):
            if start <= day <= end:
                found[day] = name
    return found


def closed_day(day: dt.date) -> str | None:
    """The name of the day if the municipality takes no visits on it, else None."""
    return _closed(day.year, _language(), tuple(settings.MUNICIPAL_DAYS_OFF)).get(day)
