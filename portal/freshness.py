"""A data version for the start page's municipal figures, bumped by the database itself.

The leadership's overview (portal/overview.py: agreements per state, hearings, questions,
the coverage trend) and the administrator's counts under "what needs you next" (people
without an account, stories waiting, overdue hearings) are aggregates over whole tables:
≈ 45 ms of SQL a request at Copenhagen size. They are cached (portal/figures.py) under this
version and the coverage report's (coverage/freshness.py), so they are computed again
only after a write that can change them.

The same mechanism as coverage/freshness.py, with its own sequence and triggers: triggers
on every table and column the figures read bump the version on each write, whatever made
it (a model's save(), a queryset update(), bulk_create, the importer, raw SQL, psql). A
statement-level trigger bumps it as the write happens, a deferred row-level constraint
trigger again at commit (a request that cached the old figures under the first bump is
superseded). Its own sequence, not the coverage one: a question answered or a story
submitted does not throw the (much dearer) coverage report away.

SQLite: a one-row table set to random() by row triggers, as for coverage.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection as default_connection

STORAGE = "portal_data_version"
FUNCTION = "portal_bump_data_version"

# (app label, model, the columns whose UPDATE changes the figures; None for any column).
# Whatever portal.figures computes: keep the two in step.
WATCHED = [
    ("agreements", "Agreement", ["status", "workplace_id"]),
    ("organisation", "Workplace", ["centre_id"]),  # a centre head's scope
    ("cases", "Hearing", ["status", "deadline", "workplace_id", "case_id"]),
    ("cases", "Case", ["status", "title", "meeting_id", "override_at"]),
    ("meetings", "Meeting", ["starts_at"]),  # the overdue cases' order
    ("questions", "Question", ["status", "deadline", "workplace_id", "asked_at", "answered_at"]),
    ("accounts", "User", ["is_active", "password"]),  # people without an account
    ("accounts", "Invitation", None),
    ("stories", "Story", ["status"]),  # stories waiting to be published
]


def watched_tables() -> list[tuple[str, list[str] | None]]:
    result = []
    for app_label, model_name, columns in WATCHED:
        model = apps.get_model(app_label, model_name)
        result.append((model._meta.db_table, columns))
    return result


def _names(table: str) -> dict[str, str]:
    # PostgreSQL trigger names are unique per table; SQLite's per database.
    return {
        "statement": "portal_version_now",
        "commit": "portal_version_commit",
        "ins": f"portal_version_ins_{table}",
        "upd": f"portal_version_upd_{table}",
        "del": f"portal_version_del_{table}",
    }


def create_storage(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {STORAGE}")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN PERFORM nextval('{STORAGE}'); RETURN NULL; END $$"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {STORAGE} (id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)"
            )
            cursor.execute(f"INSERT OR IGNORE INTO {STORAGE} (id, value) VALUES (1, 0)")  # noqa: S608  # nosec B608 (constants)


def install_triggers(connection=default_connection) -> None:
    """(Re)create the triggers on the watched tables; idempotent, run after `migrate`."""
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    create_storage(connection)
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, columns in watched_tables():
            if table not in existing:  # a partial migrate
                continue
            names = _names(table)
            update = "UPDATE" + (" OF " + ", ".join(quote(c) for c in columns) if columns else "")
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {names['statement']} ON {quote(table)}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {names['commit']} ON {quote(table)}")
                cursor.execute(
                    f"CREATE TRIGGER {names['statement']} AFTER INSERT OR {update} OR DELETE OR TRUNCATE"
                    f" ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {names['commit']} AFTER INSERT OR {update} OR DELETE"
                    f" ON {quote(table)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
                )
            else:
                for key, event in (("ins", "INSERT"), ("upd", update), ("del", "DELETE")):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(names[key])}")
                    body = f"UPDATE {STORAGE} SET value = random() WHERE id = 1"  # noqa: S608  # nosec B608 (a constant)
                    cursor.execute(
                        f"CREATE TRIGGER {quote(names[key])} AFTER {event} ON {quote(table)} BEGIN {body}; END"
                    )


def drop_triggers(connection=default_connection) -> None:
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, _columns in watched_tables():
            if table not in existing:
                continue
            names = _names(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {names['statement']} ON {quote(table)}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {names['commit']} ON {quote(table)}")
            elif connection.vendor == "sqlite":
                for key in ("ins", "upd", "del"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(names[key])}")


def bump(connection=default_connection) -> None:
    """A new version by hand: after `migrate`, whose data migrations ran without triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{STORAGE}')")
        elif connection.vendor == "sqlite":
            cursor.execute(f"UPDATE {STORAGE} SET value = random() WHERE id = 1")  # noqa: S608  # nosec B608


def storage_present(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [STORAGE])
            return bool(cursor.fetchone()[0])
    return STORAGE in connection.introspection.table_names()


def versions(connection=default_connection) -> tuple[str, str] | None:
    """This version and the coverage report's, in one query; None on another database:
    nothing is cached then."""
    from coverage import freshness as coverage

    if connection.vendor == "postgresql":
        sql = (
            f"SELECT p.last_value, p.is_called, c.last_value, c.is_called"  # noqa: S608  # nosec B608 (constants)
            f" FROM {STORAGE} p, {coverage.STORAGE} c"
        )
    elif connection.vendor == "sqlite":
        sql = f"SELECT p.value, 1, c.value, 1 FROM {STORAGE} p, {coverage.STORAGE} c"  # noqa: S608  # nosec B608
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if not row:
        return None
    return f"{row[0]}.{int(bool(row[1]))}", f"{row[2]}.{int(bool(row[3]))}"


# Migrations run without the triggers (see coverage/freshness.py: PostgreSQL refuses to
# ALTER a table with pending deferred trigger events).


def before_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor in {"postgresql", "sqlite"} and storage_present(connection):
        drop_triggers(connection)


def after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor in {"postgresql", "sqlite"}:
        install_triggers(connection)
        bump(connection)
