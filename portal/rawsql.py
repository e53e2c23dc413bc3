"""The start page's small per-person reads as plain SQL.

The start page runs five or six small queries for the person (memberships, meeting
steps, agreements in dialogue, the code's signing state, unread notifications). Each
one's SQL runs in ≈ 0.1 ms; building it with the ORM (filters, joins, select_related,
subqueries, compiling) and turning its rows into model instances cost 0.5–1.5 ms of
Python apiece, most of the page's view time. These reads are written once here in SQL
that PostgreSQL and SQLite both run, with the parameters adapted as the ORM adapts them
(`db_datetime`, `db_date`) and the results read back as the ORM reads them (`aware`,
`json_value`). The table and column names are Django's defaults for the models; the
tests compare each read with the ORM's answer (tests/portal/test_start_reads.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.db import connection
from django.db.models import Value


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def db_datetime(value: dt.datetime):
    """An aware datetime as the database compares it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def db_date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def aware(value):
    """A datetime column's value as the ORM returns it: aware (SQLite gives naive UTC,
    or text from an expression)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def json_value(value):
    """A JSON column's value (the ORM's JSONField decodes it the same way)."""
    if value is None or not isinstance(value, str | bytes | bytearray):
        return value
    return json.loads(value)


def literal(value: str) -> str:
    """A code constant (a choice's value) written into the SQL as a literal instead of a
    parameter. PostgreSQL plans a prepared statement once for all parameters only if that
    generic plan is estimated as cheap as planning each run anew; with a status as a
    parameter it cannot use the column's statistics, estimates the generic plan dearer and
    plans every run again (the start page's steps: ≈ 2 ms planning, 0.3 ms running;
    samspil/db.py). Only for the code's own constants, never for what a user sent."""
    if not _CONSTANT.fullmatch(value):
        raise ValueError(f"not a code constant: {value!r}")
    return f"'{value}'"


_CONSTANT = re.compile(r"[a-z][a-z0-9_]*")


class Constant(Value):
    """`literal(value)` in a queryset: `filter(status=Constant(Question.Status.ANSWERED))`
    compiles to `status = 'answered'` instead of a parameter, so the partial indexes on
    that status serve the statement's one plan too."""

    def as_sql(self, compiler, connection):
        return literal(self.value), []


def in_list(values) -> tuple[str, list]:
    """``IN (%s, %s, …)`` for a non-empty collection, in a stable order."""
    values = sorted(values)
    return ", ".join(["%s"] * len(values)), values
