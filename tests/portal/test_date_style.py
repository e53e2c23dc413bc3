"""One date style everywhere: numeric dates as 07.12.2026 (the locale's SHORT_DATE_FORMAT),
months written out or as Danish lower-case abbreviations, never "Dec" or "Sept."."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATE_FILTER = re.compile(r"""\|(?:date|time)(?::|\()\s*["']([^"']*)["']""")
NAMED = re.compile(r"^[A-Z_]+_FORMAT$")


def templates():
    for path in ROOT.glob("**/templates/**/*"):
        if path.is_file() and ".venv" not in path.parts and path.suffix in (".html", ".jinja", ".txt", ".ics", ".xml"):
            yield path


def test_no_template_writes_a_numeric_date_of_its_own_or_an_english_month_abbreviation():
    offenders = []
    for path in templates():
        for fmt in DATE_FILTER.findall(path.read_text(encoding="utf-8")):
            if NAMED.match(fmt):
                continue
            # n (month without zero) and j.n. numeric dates, M ("Dec") and N ("Sept.") are
            # another style than the locale's d.m.Y and Danish month names.
            if re.search(r"(?<!\\)[nMN]", fmt) or re.search(r"j\.[nm]", fmt):
                offenders.append(f"{path.relative_to(ROOT)}: {fmt}")
    assert offenders == []


def test_the_locale_writes_numeric_dates_with_leading_zeros(settings):
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("da"):
        assert formats.date_format(dt.date(2026, 12, 7), "SHORT_DATE_FORMAT") == "07.12.2026"


def test_no_python_code_formats_a_month_as_dec_or_sept():
    """Charts label their months in Python: "b" (dec), never "M" (Dec) or "N" (Sept.)."""
    call = re.compile(r"""date_format\([^)]*?,\s*["']([^"']*)["']""")
    offenders = []
    for path in ROOT.glob("**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for fmt in call.findall(path.read_text(encoding="utf-8")):
            if not NAMED.match(fmt) and re.search(r"(?<!\\)[MN]", fmt):
                offenders.append(f"{path.relative_to(ROOT)}: {fmt}")
    assert offenders == []


def test_a_chart_month_is_a_danish_lower_case_abbreviation():
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("da"):
        assert formats.date_format(dt.date(2026, 12, 7), "b y") == "dec 26"
        assert formats.date_format(dt.date(2026, 9, 7), "b") == "sept"  # Danish, lower case
