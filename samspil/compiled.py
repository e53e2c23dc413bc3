"""A read's queryset compiled by the ORM once per process and shape, run with each request's
values.

On the lists, building a queryset (filters, subqueries, annotations) and compiling it to
SQL cost more Python than PostgreSQL took to run it. The SQL of such a read depends only
on its shape (the database, which branch of the selector is taken, the sizes of id sets,
LIMIT/OFFSET), never on the ids and times themselves. So the selector builds the queryset
once with stand-in values (ids no row has, times no row has), the ORM compiles it, and
the stand-ins found in its parameters become slots that later requests fill with their
own values. The rules stay in the selectors: nothing here writes SQL.

    rows = compiled.values_rows(
        ("my meetings", past, offset),
        lambda v: selectors.my_meetings(v["person"], now=v["now"])...,
        person=user.pk, now=timezone.now(),
    )

The values a selector may be given this way: ints (ids), datetimes, dates and sets of ints
(their size is part of the shape). Anything else that changes the SQL (a flag, a page's
offset, a length) belongs in the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

# Ids no row has and times no row has: what a queryset is compiled with, found again in
# its parameters. The ids are within a 32-bit integer column's range: outside it, the ORM
# compiles a lookup to "no rows" (IntegerFieldOverflow) instead of a parameter.
_STAND_IN_ID = -2_000_000_000
_STAND_IN_TIME = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)

# Bounded: a shape is a handful of flags, an offset and the sizes of a few id sets.
_LIMIT = 512


@dataclasses.dataclass(frozen=True)
class _Slot:
    """A parameter to fill with the value `name` (index ≥ 0: the index'th of its sorted
    ids; adapt: a datetime or date as the database adapter writes it, SQLite's text)."""

    name: str
    index: int = -1
    adapt: str = ""  # "datetime", "date": the value as the database adapter writes it


@dataclasses.dataclass(frozen=True)
class _Compiled:
    sql: str  # "" for a query that has no rows whatever the values
    params: tuple
    names: tuple[str, ...]
    # {column: (converter functions, expression)}: what the ORM applies to a row read
    # (SQLite's text datetimes, for one), from compiler.get_converters.
    converters: dict


_COMPILED: dict[tuple, _Compiled] = {}


def _stand_ins(values: dict[str, Any]) -> tuple[dict[str, Any], dict[Any, _Slot]]:
    """Stand-in values of the same kinds and sizes as `values`, and the slot each stands for."""
    stand_ins: dict[str, Any] = {}
    slots: dict[Any, _Slot] = {}
    ids = 0
    for name, value in values.items():
        if isinstance(value, dt.datetime):
            fake = _STAND_IN_TIME + dt.timedelta(days=len(slots))
            slots[connection.ops.adapt_datetimefield_value(fake)] = _Slot(name, adapt="datetime")
            slots[fake] = _Slot(name)
            stand_ins[name] = fake
        elif isinstance(value, dt.date):
            fake = _STAND_IN_TIME.date() + dt.timedelta(days=len(slots))
            slots[connection.ops.adapt_datefield_value(fake)] = _Slot(name, adapt="date")
            slots[fake] = _Slot(name)
            stand_ins[name] = fake
        elif isinstance(value, int) and not isinstance(value, bool):
            stand_ins[name] = _STAND_IN_ID + ids
            slots[_STAND_IN_ID + ids] = _Slot(name)
            ids += 1
        elif isinstance(value, Collection) and not isinstance(value, str):
            fakes = range(_STAND_IN_ID + ids, _STAND_IN_ID + ids + len(value))
            for index, fake in enumerate(fakes):
                slots[fake] = _Slot(name, index)
            ids += len(value)
            stand_ins[name] = frozenset(fakes)
        else:
            raise TypeError(
                f"{name}: only ids, sets of ids, datetimes and dates are filled in; put {value!r} in the key"
            )
    return stand_ins, slots


def _shape(values: dict[str, Any]) -> tuple:
    return tuple((name, len(value) if isinstance(value, Collection) else None) for name, value in values.items())


def _compile(queryset: QuerySet, slots: dict[Any, _Slot]) -> _Compiled:
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter on no ids (.none()): no rows, no query
        return _Compiled("", (), (), {})
    template = []
    for param in params:
        try:
            slot = slots.get(param)
        except TypeError:  # an unhashable parameter (a list): a constant of the query
            slot = None
        template.append(param if slot is None else slot)
    # A stand-in the ORM wrote into the SQL itself, or dropped, would leave a request's own
    # value out of its query: refuse rather than answer for the stand-in.
    missing = {(slot.name, slot.index) for slot in slots.values()} - {
        (param.name, param.index) for param in template if isinstance(param, _Slot)
    }
    if missing:
        raise ValueError(f"values not among the query's parameters: {sorted(missing)}")
    # The names and conversions a values() queryset gives its rows (ValuesIterable).
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])
    return _Compiled(sql, tuple(template), names, converters)


def _fill(param: Any, values: dict[str, Any], sorted_ids: dict[str, list]) -> Any:
    if not isinstance(param, _Slot):
        return param
    if param.index >= 0:
        return sorted_ids[param.name][param.index]
    value = values[param.name]
    if param.adapt == "datetime":
        return connection.ops.adapt_datetimefield_value(value)
    if param.adapt == "date":
        return connection.ops.adapt_datefield_value(value)
    return value


def values_rows(key: tuple, build: Callable[[dict[str, Any]], QuerySet], **values: Any) -> list[dict]:
    """What list(build(values)) gives for a values() queryset, in one query, with the
    queryset built and compiled once per process for each key and shape of `values`.
    `build` gets stand-ins of the same kinds as `values` (ids, datetimes, dates, sets of ids);
    everything else that shapes its SQL must be in `key`."""
    shape = (connection.vendor, timezone.get_current_timezone_name(), key, _shape(values))
    compiled = _COMPILED.get(shape)
    if compiled is None:
        stand_ins, slots = _stand_ins(values)
        compiled = _compile(build(stand_ins), slots)
        if len(_COMPILED) < _LIMIT:
            _COMPILED[shape] = compiled
    if not compiled.sql:
        return []
    sorted_ids = {name: sorted(value) for name, value in values.items() if isinstance(value, Collection)}
    params = [_fill(param, values, sorted_ids) for param in compiled.params]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    names, converters = compiled.names, compiled.converters
    if converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for column, (functions, expression) in converters.items():
                value = row[column]
                for function in functions:
                    value = function(value, expression, connection)
                row[column] = value
    return [dict(zip(names, row, strict=True)) for row in rows]
