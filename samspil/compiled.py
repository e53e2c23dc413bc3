"""Querysets compiled to SQL once per process and run with each request's values.

Building a queryset with select_related, subqueries and a permission rule and compiling it
costs the ORM more Python than the database takes to run it (issue 19: 1–4 ms of a page
per query). A `CompiledQuery` is the ORM's own SQL for a queryset built once with
stand-in values (`StandIns`: ids and dates no row has), whose parameters are replaced by
the real values on each run; the rows become instances exactly as the ORM makes them
(its compiler's columns, converters and select_related populators). The rules stay in
the querysets: only their compilation is reused. The SQL depends on the queryset's shape
(which filters, how many ids in an IN list), so a caller caches one per shape.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Ids no row has (far below any serial), and dates no row has (the year 1000).
_FIRST_ID = -(10**15)
_FIRST_DAY = dt.date(1000, 1, 1)


@dataclasses.dataclass(frozen=True)
class _Slot:
    """A parameter to fill with the value named `name` (its index'th item for a set of
    ids); `text`: as the string the backend sends a date as (SQLite)."""

    name: str
    index: int | None = None
    text: bool = False


class StandIns:
    """Values to build a queryset with, each found again in its compiled parameters."""

    def __init__(self) -> None:
        self.slots: dict[Any, _Slot] = {}

    def id(self, name: str) -> int:
        value = _FIRST_ID + len(self.slots)
        self.slots[value] = _Slot(name)
        return value

    def ids(self, name: str, count: int) -> frozenset[int]:
        """`count` ids for a set filled from a sorted sequence: the SQL's IN list holds the
        same ids in whichever order the set gives them."""
        values = []
        for index in range(count):
            value = _FIRST_ID + len(self.slots)
            self.slots[value] = _Slot(name, index)
            values.append(value)
        return frozenset(values)

    def text(self, name: str) -> str:
        value = f"\x1fstand-in {len(self.slots)}"
        self.slots[value] = _Slot(name)
        return value

    def date(self, name: str) -> dt.date:
        value = _FIRST_DAY + dt.timedelta(days=len(self.slots))
        self.slots[value] = _Slot(name)
        self.slots[str(value)] = _Slot(name, text=True)
        return value


def id_sets(value) -> tuple[tuple, dict[str, list[int]]]:
    """A frozen dataclass's (organisation.roles.Roles') shape as far as SQL built from it can
    depend on it (the size of each set of ids, every other field as it is) and its sets of
    ids, sorted, by name: what `stand_in_sets` stands in for."""
    shape, real = [], {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if isinstance(item, frozenset) and all(type(member) is int for member in item):
            real[field.name] = sorted(item)
            shape.append(len(item))
        else:
            shape.append(item)
    return tuple(shape), real


def stand_in_sets(value, stand_ins: StandIns):
    """`value` with every set of ids replaced by as many stand-ins, filled by name from
    `id_sets(value)[1]`: whichever of them a rule reads, no real id is compiled in."""
    _shape, real = id_sets(value)
    return dataclasses.replace(value, **{name: stand_ins.ids(name, len(ids)) for name, ids in real.items()})


class CompiledQuery:
    """`queryset`'s SQL, compiled once; `stand_ins` made the values it was built with."""

    def __init__(self, queryset: QuerySet, stand_ins: StandIns) -> None:
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(using=self.alias)
        try:
            self.sql, params = compiler.as_sql()  # also sets the compiler's columns
        except EmptyResultSet:  # queryset.none(): no rows, no query (as the ORM does)
            self.sql, params = "", []
        self.compiler = compiler
        self.template = tuple(self._slot(param, stand_ins) for param in params)
        self.known = self._known_related(queryset)
        if self.sql and stand_ins.slots and not any(isinstance(param, _Slot) for param in self.template):
            raise ValueError("no stand-in value found in the compiled parameters")

    @staticmethod
    def _slot(param, stand_ins: StandIns):
        # bool is an int, and True == 1: never a stand-in.
        if type(param) in (int, str, dt.date):
            return stand_ins.slots.get(param, param)
        return param

    @staticmethod
    def _known_related(queryset: QuerySet) -> list:
        """The fields a related manager's queryset sets on each row (participant.meeting)."""
        return [field for field in queryset._known_related_objects]

    def params(self, values: Mapping[str, Any]) -> list:
        filled = []
        for param in self.template:
            if isinstance(param, _Slot):
                value = values[param.name]
                if param.index is not None:
                    value = value[param.index]
                filled.append(str(value) if param.text else value)
            else:
                filled.append(param)
        return filled

    def _rows(self, values: Mapping[str, Any]) -> tuple[Any, list]:
        # A copy bound to this thread's connection: the cached compiler keeps the one it
        # was compiled on, and its converters ask the connection.
        compiler = _copy(self.compiler)
        compiler.connection = connections[self.alias]
        if not self.sql:
            return compiler, []
        with compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(values))
            rows = cursor.fetchall()
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        return compiler, list(compiler.results_iter([rows]))

    def rows(self, values: Mapping[str, Any]) -> list[Sequence]:
        """The rows as the compiler converts them (for a values_list queryset)."""
        return self._rows(values)[1]

    def dicts(self, values: Mapping[str, Any]) -> list[dict]:
        """The rows as Django's ValuesIterable makes them (for a values() queryset)."""
        compiler, rows = self._rows(values)
        query = compiler.query
        if query.selected:
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def instances(self, values: Mapping[str, Any], related: Mapping[str, Model] | None = None) -> list[Model]:
        """The rows as Django's ModelIterable makes them; `related`: the instances a
        related manager's queryset sets on each row, by field name."""
        compiler, rows = self._rows(values)
        klass_info, select = compiler.klass_info, compiler.select
        model_cls = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, self.alias)
        annotations = compiler.annotation_col_map or {}
        known = [(field, related[field.name]) for field in self.known] if related else []
        objects = []
        for row in rows:
            obj = model_cls.from_db(self.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            for field, instance in known:
                field.set_cached_value(obj, instance)
            objects.append(obj)
        return objects


def _copy(compiler):
    clone = compiler.__class__.__new__(compiler.__class__)
    clone.__dict__.update(compiler.__dict__)
    return clone
