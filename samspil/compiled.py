"""Querysets compiled to SQL once per process, run with a new value each request.

Compiling a queryset with subqueries or a few joins (Django's `as_sql`) costs more Python
than PostgreSQL takes to answer it: the agreement editor's goals with their milestones and
partners took 2.5 ms to compile and 0.3 ms to run. A page whose query differs from request
to request in one value only (the object's id) compiles it once, with a stand-in for that
value, and runs the same SQL with the value in the stand-in's place; the rows come back as
model instances through `Model.objects.raw` (Django's own conversions of the model's
fields; annotations as the database driver returns them).

(accounts/backends.py `_user_sql` does the same for the signed-in user's query.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import RawQuerySet

# A value no real id takes, to find the id's places among the compiled parameters.
STAND_IN = -7_321_987_655


class CompiledQuery:
    """`build(value)` is the queryset for one value; `raw(value)` and `rows(value)` run its
    SQL, compiled once per database alias and vendor with `stand_in` for the value (each
    parameter equal to the stand-in is the value's). `build` may ignore the value: a
    query without parameters is compiled once all the same."""

    def __init__(self, build: Callable[[Any], QuerySet], stand_in: Any = STAND_IN) -> None:
        self.build = build
        self.stand_in = stand_in
        self._compiled: dict[tuple[str, str], tuple[str, tuple, tuple[tuple[int, bool], ...], type[Model]]] = {}

    def _get(self, using: str) -> tuple[str, tuple, tuple[tuple[int, bool], ...], type[Model]]:
        key = (using, connections[using].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            queryset = self.build(self.stand_in)
            sql, params = queryset.query.get_compiler(using).as_sql()
            # The stand-in's places: as given, or as text (a date's parameter on SQLite).
            places = tuple(
                (at, isinstance(param, str))
                for at, param in enumerate(params)
                if param == self.stand_in or param == str(self.stand_in)
            )
            if str(self.stand_in) in sql:
                raise ValueError("the stand-in was written into the SQL, not passed as a parameter")
            compiled = self._compiled[key] = (sql, tuple(params), places, queryset.model)
        return compiled

    def sql(self, value: Any = None, using: str = "default") -> tuple[str, list]:
        """The SQL and its parameters for `value`."""
        sql, params, places, _model = self._get(using)
        values = list(params)  # a copy: the compiled parameters are shared by every request
        if value is not None and not places:
            raise ValueError("the query has no place for a value")
        for at, as_text in places:
            values[at] = str(value) if as_text else value
        return sql, values

    def raw(self, value: Any = None, using: str = "default") -> RawQuerySet:
        """The rows for `value` as instances of the queryset's model."""
        model = self._get(using)[3]
        sql, params = self.sql(value, using)
        return model._default_manager.using(using).raw(sql, params)

    def rows(self, value: Any = None, using: str = "default") -> list[tuple]:
        """The rows for `value` as the database driver returns them: for a `values_list`
        of columns that need no conversion by Django (text, integers)."""
        sql, params = self.sql(value, using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
