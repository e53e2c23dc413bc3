"""Querysets compiled to SQL once per process and run with each request's values.

Building a queryset with select_related, subqueries and a permission rule and compiling it
costs the ORM more Python than the database takes to run it (issue 19: 1–4 ms of a page
per query; the agreement editor's goals 2.5 ms to compile, 0.3 ms to run). The SQL of
such a read depends only on its shape (the database, which branch of a rule is taken,
how many ids an IN list holds, LIMIT/OFFSET), never on the ids, dates and times
themselves. So the queryset is built once with stand-in values (`StandIns`: ids, dates,
times and texts no row has), the ORM compiles it, and the stand-ins found among its
parameters become slots that each request fills with its own values; the rows come back
exactly as the ORM makes them (its compiler's columns, converters and select_related
populators). The rules stay in the querysets: nothing here writes SQL.

Three ways in, one mechanism:
- `CompiledQuery(queryset, stand_ins)`: a caller that caches one per shape itself
  (instances, dicts or rows);
- `values_rows(key, build, **values)`: a values() read cached here per key and shape;
- `CompiledRead(build, kind)`: a read of one value (an id, a date) or of none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

# Ids no row has, within a 32-bit integer column's range (outside it the ORM compiles a
# lookup to "no rows", IntegerFieldOverflow, instead of a parameter); dates and times no
# row has.
_FIRST_ID = -2_000_000_000
_FIRST_DAY = dt.date(1000, 1, 1)
_FIRST_TIME = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class _Slot:
    """A parameter to fill with the value named `name` (its index'th item for a set of
    ids); `adapt`: "date" or "datetime" when the backend sends it as text (SQLite)."""

    name: str
    index: int | None = None
    adapt: str = ""


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
        self.slots[connection.ops.adapt_datefield_value(value)] = _Slot(name, adapt="date")
        return value

    def datetime(self, name: str) -> dt.datetime:
        value = _FIRST_TIME + dt.timedelta(days=len(self.slots))
        self.slots[value] = _Slot(name)
        self.slots[connection.ops.adapt_datetimefield_value(value)] = _Slot(name, adapt="datetime")
        return value

    def like(self, name: str, value: Any) -> Any:
        """A stand-in of the same kind (and, for a set of ids, size) as `value`."""
        if isinstance(value, dt.datetime):
            return self.datetime(name)
        if isinstance(value, dt.date):
            return self.date(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.id(name)
        if isinstance(value, Collection) and not isinstance(value, str):
            return self.ids(name, len(value))
        raise TypeError(f"{name}: only ids, sets of ids, datetimes and dates are filled in; put {value!r} in the key")


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
    """`queryset`'s SQL, compiled once; `stand_ins` made the values it was built with.
    `every`: each stand-in must be among the parameters (a stand-in the ORM dropped or
    wrote into the SQL would leave a request's own value out of its query); without it,
    at least one (role stand-ins a rule does not read are left out)."""

    def __init__(self, queryset: QuerySet, stand_ins: StandIns, *, every: bool = False) -> None:
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(using=self.alias)
        try:
            self.sql, params = compiler.as_sql()  # also sets the compiler's columns
        except EmptyResultSet:  # queryset.none(): no rows, no query (as the ORM does)
            self.sql, params = "", []
        self.compiler = compiler
        self.model = queryset.model
        self.template = tuple(self._slot(param, stand_ins) for param in params)
        self.known = list(queryset._known_related_objects)
        if not self.sql:
            return
        found = {(param.name, param.index) for param in self.template if isinstance(param, _Slot)}
        if every:
            missing = {(slot.name, slot.index) for slot in stand_ins.slots.values()} - found
            if missing:
                raise ValueError(f"values not among the query's parameters: {sorted(missing, key=str)}")
        elif stand_ins.slots and not found:
            raise ValueError("no stand-in value found in the compiled parameters")

    @staticmethod
    def _slot(param, stand_ins: StandIns):
        # bool is an int, and True == 1: never a stand-in.
        if type(param) in (int, str, dt.date, dt.datetime):
            return stand_ins.slots.get(param, param)
        return param

    def params(self, values: Mapping[str, Any]) -> list:
        filled = []
        ops = connections[self.alias].ops
        for param in self.template:
            if isinstance(param, _Slot):
                value = values[param.name]
                if param.index is not None:
                    value = value[param.index]
                if param.adapt == "date":
                    value = ops.adapt_datefield_value(value)
                elif param.adapt == "datetime":
                    value = ops.adapt_datetimefield_value(value)
                filled.append(value)
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


def _shape(values: Mapping[str, Any]) -> tuple:
    return tuple(
        (name, len(value) if isinstance(value, Collection) and not isinstance(value, str) else None)
        for name, value in values.items()
    )


class CompiledQueries:
    """Compiled reads kept by their shape's key, at most `limit` of them (each holds 20–40 KB
    of the ORM's query and compiler, and the workers stay under 100 MB); full, it starts
    again, so a worker that has served many shapes keeps those asked for now."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._kept: dict[Any, CompiledQuery] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key, compile_read: Callable[[], CompiledQuery]) -> CompiledQuery:
        """The read kept under `key`, or `compile_read()`'s, kept (an exception keeps nothing)."""
        compiled = self._kept.get(key)
        if compiled is None:
            compiled = compile_read()
            if len(self._kept) >= self.limit:
                self._kept.clear()
            self._kept[key] = compiled
        return compiled


_VALUES_ROWS = CompiledQueries()


def values_rows(key: tuple, build: Callable[[dict[str, Any]], QuerySet], **values: Any) -> list[dict]:
    """What list(build(values)) gives for a values() queryset, in one query, with the
    queryset built and compiled once per process for each key and shape of `values`.
    `build` gets stand-ins of the same kinds as `values` (ids, datetimes, dates, sets of ids);
    everything else that shapes its SQL must be in `key`.

        rows = compiled.values_rows(
            ("my meetings", past, offset),
            lambda v: selectors.my_meetings(v["person"], now=v["now"])...,
            person=user.pk, now=timezone.now(),
        )
    """
    # The time zone: a date truncation compiles its zone's name into the SQL.
    shape = (connection.vendor, timezone.get_current_timezone_name(), key, _shape(values))

    def compile_read() -> CompiledQuery:
        stand_ins = StandIns()
        fakes = {name: stand_ins.like(name, value) for name, value in values.items()}
        return CompiledQuery(build(fakes), stand_ins, every=True)

    compiled = _VALUES_ROWS.get(shape, compile_read)
    filled = {
        name: sorted(value) if isinstance(value, Collection) and not isinstance(value, str) else value
        for name, value in values.items()
    }
    return compiled.dicts(filled)


class CompiledRead:
    """A read of one value (`kind`: "id" or "date") or of none (`kind` None: `build(None)`),
    compiled once per database with a stand-in for the value: `build(value)` is its queryset.
    `raw(value)`: the rows as the model's instances through Model.objects.raw (the model's
    fields converted as the ORM converts them, annotations as the driver returns them);
    `rows(value)`: the rows as the driver returns them (for columns that need no
    conversion by Django: text, integers, dates)."""

    def __init__(self, build: Callable[[Any], QuerySet], kind: str | None = "id") -> None:
        self.build = build
        self.kind = kind
        self._compiled: dict[tuple[str, str], CompiledQuery] = {}

    def _get(self) -> CompiledQuery:
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            stand_ins = StandIns()
            value = getattr(stand_ins, self.kind)("value") if self.kind else None
            compiled = self._compiled[key] = CompiledQuery(self.build(value), stand_ins, every=True)
        return compiled

    def sql(self, value: Any = None) -> tuple[str, list]:
        """The SQL and its parameters for `value`."""
        compiled = self._get()
        if (value is None) != (self.kind is None):
            raise ValueError(f"a read of {self.kind or 'no value'} was given {value!r}")
        return compiled.sql, compiled.params({"value": value})

    def raw(self, value: Any = None):
        """The rows for `value` as instances of the queryset's model."""
        compiled = self._get()
        if not compiled.sql:
            return []
        sql, params = self.sql(value)
        return compiled.model._default_manager.using(compiled.alias).raw(sql, params)

    def rows(self, value: Any = None) -> list[tuple]:
        """The rows for `value` as the database driver returns them."""
        sql, params = self.sql(value)
        if not sql:
            return []
        with connections[self._get().alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
