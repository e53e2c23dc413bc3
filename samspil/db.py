"""Server-side prepared statements for Django's psycopg2 connections.

psycopg2 sends every query as text with its parameters written in, so PostgreSQL parses
and plans the same statement afresh on every request: for the short indexed reads of a
page that costs as much as running them (the signed-in user's query: 0.6 ms as text,
0.3 ms prepared, 0.2 ms for `SELECT 1`; bench/README.md). This cursor prepares a SELECT the
second time a connection runs it (`PREPARE`, then `EXECUTE name(parameters)`), so each
worker plans its hot statements once per connection.

Kept deliberately narrow, because what runs must not change:
- only SELECT (and WITH) statements with a list or a dict of parameters, on unnamed
  cursors;
- the statement is keyed by its text *and* the Python types of its parameters, and the
  non-text parameters are declared with the type their literal would have had (text and
  None stay `unknown`, inferred from the context as a literal is), so a prepared statement
  returns the same columns and types as the text one;
- a statement PostgreSQL cannot prepare (a parameter whose type nothing tells) is
  remembered and runs as text; the attempt sits inside a savepoint when a transaction is
  open, so it never spoils it;
- schema changes made through the connection (CREATE/ALTER/DROP) forget its statements;
- a bounded number per connection (MAX_STATEMENTS).
Behind a connection pooler in transaction mode prepared statements do not work: there
DATABASE_PREPARE=0 (settings) turns this off.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid

import psycopg2
from psycopg2 import extensions

MAX_STATEMENTS = 256
# Appended to a statement whose generic plan its author measured as good for every value:
# PostgreSQL plans a prepared statement once only when it estimates that plan as cheap as
# planning each run, and for some it never does (free visit times: 4 ms of planning every
# request for 2 ms of running; the generic plan runs in 2.6 ms). Outside a transaction
# such a statement runs under SET LOCAL plan_cache_mode = force_generic_plan, which ends
# with it; inside one (where SET LOCAL would last) it runs as any other.
ONE_PLAN = "/* samspil: one plan */"
# Prepared on the second run: a statement run once (a migration, a one-off report) costs
# no PREPARE round trip.
PREPARE_AFTER = 1
_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)
_NAMED_PLACEHOLDER = re.compile(r"%(?:\(([^)]*)\)(.)|(.))", re.DOTALL)
_UNPREPARABLE = False
# The type a parameter's literal has when psycopg2 writes it into the text (its adapters:
# `8`, `true`, `'…'::date`, `'…'::timestamptz`); anything else is left for PostgreSQL to
# infer from where the parameter stands, as it does for the literal.
_DECLARED_TYPES = {
    bool: "boolean",
    int: "bigint",
    dt.date: "date",
    dt.time: "time",
    dt.timedelta: "interval",
    decimal.Decimal: "numeric",
    uuid.UUID: "uuid",
}


def _declared(value) -> str:
    if isinstance(value, dt.datetime):
        return "timestamptz" if value.tzinfo is not None else "timestamp"
    if isinstance(value, list):
        # psycopg2 writes a list as ARRAY[…] of its items' literals: the array of their
        # type, when they share one that is declared (an empty list stays unknown).
        kinds = {_declared(item) for item in value}
        return f"{kinds.pop()}[]" if len(kinds) == 1 and "unknown" not in kinds else "unknown"
    return _DECLARED_TYPES.get(type(value), "unknown")


def _kind(value) -> object:
    """What a statement is keyed by for a parameter: its type, and a list's declared type."""
    return ("list", _declared(value)) if isinstance(value, list) else type(value)


def _numbered(query: str) -> str | None:
    """The query with psycopg2's `%s` as `$1, $2…` and `%%` as `%`; None when it holds
    another placeholder (`%(name)s`)."""
    count = 0
    ok = True

    def replace(match: re.Match) -> str:
        nonlocal count, ok
        char = match.group(1)
        if char == "%":
            return "%"
        if char == "s":
            count += 1
            return f"${count}"
        ok = False
        return match.group(0)

    numbered = _PLACEHOLDER.sub(replace, query)
    return numbered if ok else None


def _numbered_names(query: str) -> tuple[str, list[str]] | None:
    """The query with psycopg2's `%(name)s` as `$1, $2…` (one number per name, in order of
    first use) and `%%` as `%`, with the names in their numbers' order; None when it holds
    another placeholder."""
    names: list[str] = []
    ok = True

    def replace(match: re.Match) -> str:
        nonlocal ok
        name, kind, plain = match.groups()
        if plain == "%":
            return "%"
        if name is None or kind != "s":
            ok = False
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    numbered = _NAMED_PLACEHOLDER.sub(replace, query)
    return (numbered, names) if ok else None


class PreparingConnection(extensions.connection):
    """A psycopg2 connection that remembers its prepared statements."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.samspil_statements: dict[tuple, str | bool] = {}
        self.samspil_seen: dict[tuple, int] = {}
        self.samspil_next = 0

    def samspil_forget(self) -> None:
        self.samspil_statements.clear()
        self.samspil_seen.clear()


class PreparingCursor(extensions.cursor):
    """Runs a repeated SELECT as `EXECUTE` of a statement prepared on its connection."""

    samspil_text: tuple | None = None

    def execute(self, query, vars=None):
        self.samspil_text = None
        connection = self.connection
        if self.name is not None or not isinstance(query, str) or not isinstance(connection, PreparingConnection):
            return super().execute(query, vars)
        # A UNION of ordered or limited parts opens with "(SELECT".
        head = query[:16].lstrip().lstrip("(").upper()
        if not head.startswith(("SELECT", "WITH")):
            if head.startswith(("CREATE", "ALTER", "DROP")):
                self._forget_all()
            return super().execute(query, vars)
        if isinstance(vars, dict):
            # `%(name)s` parameters: the values in the order of their numbers (a name used
            # twice is one parameter).
            key = (query, *sorted((name, _kind(value)) for name, value in vars.items()))
            entry = self._statement(key, lambda: self._prepare_named(query, vars))
            if entry is None or entry is _UNPREPARABLE:
                return super().execute(query, vars)
            name, names = entry
            return self._execute_prepared(name, [vars[name] for name in names], (query, vars))
        if not isinstance(vars, (list, tuple)):
            return super().execute(query, vars)
        name = self._statement((query, *map(_kind, vars)), lambda: self._prepare(query, vars))
        if name is None or name is _UNPREPARABLE:
            return super().execute(query, vars)
        return self._execute_prepared(name, vars, (query, vars))

    def _statement(self, key: tuple, prepare):
        """The connection's prepared statement for `key`, prepared by `prepare()` on the
        statement's second run; None while it runs as text (its first run, or the
        connection holds MAX_STATEMENTS)."""
        connection = self.connection
        statements = connection.samspil_statements
        entry = statements.get(key)
        if entry is None:
            seen = connection.samspil_seen.get(key, 0)
            if seen < PREPARE_AFTER or len(statements) >= MAX_STATEMENTS:
                connection.samspil_seen[key] = seen + 1
                return None
            connection.samspil_seen.pop(key, None)
            entry = statements[key] = prepare()
        return entry

    def _execute_prepared(self, name: str, values, text: tuple):
        self.samspil_text = text
        execute = f"EXECUTE {name}({', '.join(['%s'] * len(values))})" if values else f"EXECUTE {name}"
        if self.connection.autocommit and text[0].endswith(ONE_PLAN):
            # One round trip, one implicit transaction: the setting ends with the statement.
            execute = f"SET LOCAL plan_cache_mode = force_generic_plan; {execute}"
        return super().execute(execute, values or None)

    def _prepare_named(self, query: str, vars: dict):
        named = _numbered_names(query)
        if named is None or any(name not in vars for name in named[1]):
            return _UNPREPARABLE
        numbered, names = named
        name = self._prepare(numbered, [vars[name] for name in names], numbered=True)
        return name if name is _UNPREPARABLE else (name, names)

    def _prepare(self, query: str, vars, *, numbered: bool = False) -> str | bool:
        """PREPAREs the query (already in `$1…` form when `numbered`) under a new name."""
        if not numbered:
            query = _numbered(query)
            if query is None:
                return _UNPREPARABLE
        connection = self.connection
        connection.samspil_next += 1
        name = f"samspil_{connection.samspil_next}"
        types = f"({', '.join(_declared(value) for value in vars)})" if vars else ""
        statement = f"PREPARE {name}{types} AS {query}"
        if connection.autocommit:
            # Outside a transaction a failed PREPARE fails alone.
            try:
                super().execute(statement)
            except psycopg2.Error:
                return _UNPREPARABLE
            return name
        super().execute("SAVEPOINT samspil_prepare")
        try:
            super().execute(statement)
        except psycopg2.Error:
            super().execute("ROLLBACK TO SAVEPOINT samspil_prepare")
            name = _UNPREPARABLE
        super().execute("RELEASE SAVEPOINT samspil_prepare")
        return name

    def _forget_all(self) -> None:
        connection = self.connection
        if isinstance(connection, PreparingConnection) and connection.samspil_statements:
            if any(name for name in connection.samspil_statements.values()):
                super().execute("DEALLOCATE ALL")
            connection.samspil_forget()

    @property
    def query(self):
        # What ran, as text: Django's logging and tests read the statement, not `EXECUTE`.
        if self.samspil_text is not None:
            return self.mogrify(*self.samspil_text)
        return super().query
