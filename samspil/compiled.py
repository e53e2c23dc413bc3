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

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import RawQuerySet

# A value no real id takes, to find the id's place among the compiled parameters.
STAND_IN = -7_321_987_655


class CompiledQuery:
    """`build(value)` is the queryset for one value; `raw(value)` runs its SQL, compiled
    once per database alias and vendor."""

    def __init__(self, build: Callable[[int], QuerySet]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, str], tuple[str, tuple, int, type[Model]]] = {}

    def _get(self, using: str) -> tuple[str, tuple, int, type[Model]]:
        key = (using, connections[using].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            queryset = self.build(STAND_IN)
            sql, params = queryset.query.get_compiler(using).as_sql()
            # The stand-in must be one parameter exactly, not folded into the SQL text.
            if list(params).count(STAND_IN) != 1:
                raise ValueError("the stand-in must appear once among the query's parameters")
            compiled = self._compiled[key] = (sql, tuple(params), list(params).index(STAND_IN), queryset.model)
        return compiled

    def sql(self, value: int, using: str = "default") -> tuple[str, list]:
        """The SQL and its parameters for `value`."""
        sql, params, at, _model = self._get(using)
        values = list(params)  # a copy: the compiled parameters are shared by every request
        values[at] = value
        return sql, values

    def raw(self, value: int, using: str = "default") -> RawQuerySet:
        """The rows for `value` as instances of the queryset's model."""
        model = self._get(using)[3]
        sql, params = self.sql(value, using)
        return model._default_manager.using(using).raw(sql, params)
