"""samspil.compiled.CompiledRead: the SQL compiled once answers as the queryset would,
for every value, on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import ElectoralTerm, Workplace
from organisation.selectors import _filter_units_query, filter_units
from samspil.compiled import CompiledRead
from tests.factories import CentreFactory, CommitteeFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db


def test_raw_rows_are_the_querysets_for_each_value():
    centre = CentreFactory()
    other = CentreFactory()
    workplaces = [WorkplaceFactory(centre=centre), WorkplaceFactory(centre=centre), WorkplaceFactory(centre=other)]
    compiled = CompiledRead(lambda centre_id: Workplace.objects.filter(centre_id=centre_id).order_by("name", "pk"))
    for value in (centre.pk, other.pk, -1):
        expected = list(Workplace.objects.filter(centre_id=value).order_by("name", "pk"))
        assert [(w.pk, w.name, w.centre_id) for w in compiled.raw(value)] == [
            (w.pk, w.name, w.centre_id) for w in expected
        ]
    assert {w.pk for w in compiled.raw(centre.pk)} == {w.pk for w in workplaces[:2]}


def test_a_value_used_twice_and_a_date_stand_in():
    ElectoralTerm.objects.all().delete()
    old = ElectoralTerm.objects.create(name="2022–2025", starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2025, 12, 31))
    new = ElectoralTerm.objects.create(name="2026–2029", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2029, 12, 31))
    assert ElectoralTerm.current(dt.date(2023, 5, 1)) == old
    assert ElectoralTerm.current(dt.date(2026, 1, 1)) == new
    assert ElectoralTerm.current(dt.date(2029, 12, 31)) == new
    assert ElectoralTerm.current(dt.date(2030, 1, 1)) is None
    with CaptureQueriesContext(connection) as queries:
        ElectoralTerm.current()
    assert len(queries) == 1


def test_a_query_without_parameters_and_its_rows():
    CommitteeFactory(name="Børneudvalget")
    CommitteeFactory(name="Aldre", is_active=False)
    CentreFactory(name="Centre A")
    expected = ([], [])
    for unit, name, slug in _filter_units_query():
        expected[unit].append((name, slug))
    committees, centres = filter_units()
    assert ([(c.name, c.slug) for c in committees], [(c.name, c.slug) for c in centres]) == expected
    assert "Aldre" not in {c.name for c in committees}


def test_a_stand_in_that_cannot_be_found_is_refused():
    compiled = CompiledRead(lambda _value: Workplace.objects.filter(pk=3))
    with pytest.raises(ValueError):
        compiled.sql(5)


def test_dates_come_back_as_dates_from_the_compiled_rows():
    # agreements.selectors.published_periods reads its rows through CompiledRead.rows:
    # the same values (dates as dates) as the queryset's on either database.
    from agreements.selectors import _PUBLISHED_PERIODS, _published_periods_query, published_periods
    from tests.agreements.helpers import make_template

    make_template()
    make_template(start=dt.date(2029, 1, 1), end=dt.date(2030, 12, 31))
    expected = [tuple(row) for row in _published_periods_query()]
    assert [tuple(row) for row in _PUBLISHED_PERIODS.rows()] == expected
    assert all(isinstance(row[1], dt.date) and isinstance(row[4], dt.date) for row in expected)
    assert [p.period_start for p in published_periods()] == [dt.date(2029, 1, 1), dt.date(2027, 1, 1)]


def test_values_rows_keeps_at_most_its_limit_and_starts_again_when_full(monkeypatch):
    """A worker that has served many shapes holds a bounded number of compiled reads (each
    20–40 KB), and keeps answering, and caching, the shapes asked for now."""
    from samspil import compiled

    monkeypatch.setattr(compiled, "_VALUES_ROWS", compiled.CompiledQueries(limit=3))
    centre = CentreFactory()
    workplace = WorkplaceFactory(centre=centre)

    def rows(offset: int) -> list[dict]:
        return compiled.values_rows(
            ("test workplaces", offset),
            lambda v: Workplace.objects.filter(centre_id=v["centre"]).order_by("pk").values("pk")[offset : offset + 1],
            centre=centre.pk,
        )

    for offset in range(7):
        assert rows(offset) == ([{"pk": workplace.pk}] if offset == 0 else [])
        assert 1 <= len(compiled._VALUES_ROWS) <= 3
    assert rows(6) == []
    assert any(key[2] == ("test workplaces", 6) for key in compiled._VALUES_ROWS._kept)
