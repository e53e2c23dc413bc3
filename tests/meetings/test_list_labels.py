"""The dates a list row prints, computed once per row in Python (meetings/views.list_times,
meetings/visits/views.when_labels, with the Book button's short date and time), are what the
Django template's date filters wrote."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from meetings.views import list_times
from meetings.visits.views import when_labels

pytestmark = pytest.mark.django_db(databases=[])

UTC = ZoneInfo("UTC")
# Around both clock changes, across midnight in Copenhagen, every month and weekday.
STARTS = [
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    dt.datetime(2026, 12, 31, 23, 15, tzinfo=UTC),
    *(dt.datetime(2027, month, month * 2, 7, 5, tzinfo=UTC) for month in range(1, 13)),
]


def django(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_labels_are_what_the_date_filters_write(language):
    rows = [SimpleNamespace(starts_at=start, ends_at=start + dt.timedelta(minutes=95)) for start in STARTS]
    with translation.override(language):
        list_times(rows)
        when_labels(rows)
        for row in rows:
            context = {"start": row.starts_at, "end": row.ends_at}
            assert row.day_label == django('{{ start|date:"j. b" }}', **context)
            assert row.year_label == django('{{ start|date:"Y" }}', **context)
            assert row.time_label == django('{{ start|date:"l H:i" }}–{{ end|time:"H:i" }}', **context)
            assert row.when_label == django(
                '{{ start|date:"l j. F"|capfirst }}, {{ start|time:"H:i" }}–{{ end|time:"H:i" }}', **context
            )
            assert row.book_when == django('{{ start|date:"SHORT_DATETIME_FORMAT" }}', **context)
