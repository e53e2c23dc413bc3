"""The leadership's question figures, cached under a data version the database bumps.

The questions list shows the open and answered counts and the median time to answer. For
a committee or a workplace they are a few dozen rows, counted in the list's own query.
For the leadership they are every question (20,000 at scale): one index-only pass, about
3 ms, most of the page's budget (issue 19). So they are cached, on PostgreSQL, under a
version that triggers on the questions table bump on every write that can change them,
whatever made it: a service, a queryset update(), bulk_create, the admin, raw SQL or a
fix by hand in psql. No code path can forget to invalidate, and a change shows on the
next request.

As in coverage/freshness.py: a sequence (never rolled back, so no two states of the data
share a version); a statement-level trigger bumps it as the write happens (the writing
transaction then sees its own change) and a deferred row-level constraint trigger bumps
it again at commit (a request that read the first bump before the commit, and cached the
old figures under it, is superseded). Left: the instant between that last bump and the
commit becoming visible; figures cached in it are wrong until the next change or
FIGURES_SECONDS, whichever comes first. The sequence starts at a random number, so a
database made again from scratch does not meet the figures of the one before in Redis.

The UPDATE triggers name only the columns the figures read: moving a deadline keeps the
cached figures. Migrations run without the triggers
(PostgreSQL refuses to ALTER a table with pending deferred trigger events, which a
migration that changes rows and then the table would leave): they are dropped before
`migrate` and put back after it, with a new version. Elsewhere (SQLite) nothing is
cached.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection

SEQUENCE = "questions_data_version"
FUNCTION = "questions_bump_data_version"
TABLE = "questions_question"
COLUMNS = ("status", "asked_at", "answered_at")
TRIGGERS = {"statement": "questions_version_now", "commit": "questions_version_commit"}
FIGURES_SECONDS = 600


def install(connection=default_connection) -> None:
    """(Re)create the version and the triggers; idempotent, run after `migrate`."""
    if connection.vendor != "postgresql" or TABLE not in connection.introspection.table_names():
        return
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    events = f"INSERT OR UPDATE OF {columns} OR DELETE"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START WITH {secrets.randbelow(2**48) + 1}")
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
        )
        _drop_triggers(cursor)
        cursor.execute(
            f"CREATE TRIGGER {TRIGGERS['statement']} AFTER {events} OR TRUNCATE ON {TABLE}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {TRIGGERS['commit']} AFTER {events} ON {TABLE}"
            f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
        cursor.execute(f"SELECT nextval('{SEQUENCE}')")  # whatever the migrations changed


def _drop_triggers(cursor) -> None:
    for name in TRIGGERS.values():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")


def before_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql" and TABLE in connection.introspection.table_names():
        with connection.cursor() as cursor:
            _drop_triggers(cursor)


def after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    install(connections[using])


def data_version(connection=default_connection) -> int | None:
    """The current version (one query), or None where there is none: nothing is cached then."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # NULL (nothing cached) where the sequence is not there (yet).
        cursor.execute("SELECT pg_sequence_last_value(to_regclass(%s))", [SEQUENCE])
        return cursor.fetchone()[0]


def cached(compute) -> dict:
    """compute() of every question, from the cache when the data has not changed since."""
    version = data_version()
    if version is None:
        return compute()
    key = f"questions:figures:{settings.DATABASES['default']['NAME']}:{version}"
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, FIGURES_SECONDS)
    return figures
