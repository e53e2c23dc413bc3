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
import json
import subprocess  # nosec B404 - only to read the holidays package in a child (below)
import sys
from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language

# The `holidays` package is read in a child process, not imported here: importing it, and
# then its Denmark (which imports every one of its ~250 countries), keeps ≈12 MB in every
# process that shows a visit time or counts a working day: a web worker, a Celery worker
# (issue 19: every gunicorn worker ≤ 100 MB). The child answers for eight years at a time
# (both languages, public and optional days) in ≈0.3 s; each process asks once per block.
_BLOCK_YEARS = 8
_LANGUAGES = ("da", "en_US")
_CATEGORIES = ("public", "optional")
_READ_HOLIDAYS = """
import json, sys
import holidays
years = range(int(sys.argv[1]), int(sys.argv[2]) + 1)
json.dump({
    f"{category} {language}": {
        day.isoformat(): name
        for day, name in holidays.Denmark(years=years, categories=(category,), language=language).items()
    }
    for category in sys.argv[3].split(",")
    for language in sys.argv[4].split(",")
}, sys.stdout)
"""


def _language() -> str:
    return "en_US" if (get_language() or "da").startswith("en") else "da"


@lru_cache(maxsize=16)
def _block(first_year: int) -> dict[str, dict[dt.date, str]]:
    """The package's days for `_BLOCK_YEARS` years from `first_year`, by "category language"."""
    args = [str(first_year), str(first_year + _BLOCK_YEARS - 1), ",".join(_CATEGORIES), ",".join(_LANGUAGES)]
    child = subprocess.run(  # noqa: S603  # nosec B603 - our own interpreter, our own code, numbers and names we chose
        [sys.executable, "-c", _READ_HOLIDAYS, *args], capture_output=True, text=True, check=True, timeout=120
    )
    return {
        key: {dt.date.fromisoformat(day): name for day, name in days.items()}
        for key, days in json.loads(child.stdout).items()
    }


def _days(year: int, category: str, language: str) -> dict[dt.date, str]:
    days = _block(year - year % _BLOCK_YEARS)[f"{category} {language}"]
    return {day: name for day, name in days.items() if day.year == year}


@lru_cache(maxsize=128)
def _public(year: int, language: str) -> dict[dt.date, str]:
    return _days(year, "public", language)


@lru_cache(maxsize=128)
def _closed(year: int, language: str, days_off: tuple[str, ...]) -> dict[dt.date, str]:
    days = dict(_public(year, language))
    for day, name in _days(year, "optional", language).items():
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
