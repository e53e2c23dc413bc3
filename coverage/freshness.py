"""A data version for the coverage report cache, bumped by the database itself.

The dashboard and its exports cache the report (selectors.cached_coverage_report) under
the current data version. Triggers on every table the figures read bump that version on
each write, whatever made it: a model's save(), a queryset update() (meetings.services
marks a meeting held or cancelled that way), bulk_create, the importer, raw SQL or a fix
by hand in psql. So a meeting held, cancelled or moved shows on the next request, and no
code path can forget to invalidate. Reading the version is one cheap query a request.

PostgreSQL: a sequence, never rolled back, so no two states of the data share a version.
A statement-level trigger bumps it as the write happens (the writing transaction then sees
its own change at once) and a deferred row-level constraint trigger bumps it again at
commit (a request that read the first bump before the commit, and cached the old figures
under it, is superseded). Left: the instant between that last bump and the commit becoming
visible; a report cached in it is wrong until the next change or the cache timeout
(``COVERAGE_REPORT_CACHE_SECONDS``, 10 minutes by default), whichever comes first.

SQLite: a one-row table set to random() by row triggers. SQLite serialises writers, so
the transactional value is exact; random rather than +1 so that a rolled-back test and the
next one never share a version.

UPDATE triggers list only the columns the figures read: a reminder's bookkeeping or a
meeting's title does not throw the cached report away.
"""

from __future__ import annotations

from hashlib import sha256

from django.apps import apps
from django.db import connection as default_connection

STORAGE = "coverage_data_version"
FUNCTION = "coverage_bump_data_version"

# (app label, model, many-to-many field or None, the columns whose UPDATE changes the
# figures; None for any column). Whatever coverage.selectors.coverage_report and the
# dashboard's filters read.
WATCHED = [
    ("meetings", "Meeting", None, ["status", "starts_at", "host_id", "kind_id", "committee_id"]),
    ("meetings", "Meeting", "workplaces", None),
    ("meetings", "Participant", None, ["meeting_id", "person_id", "role", "response", "attendance"]),
    ("meetings", "MeetingKind", None, None),
    ("organisation", "Membership", None, None),  # also who sees what (organisation.roles)
    ("organisation", "Workplace", None, ["name", "slug", "kind_id", "centre_id", "is_active"]),
    ("organisation", "Workplace", "committees", None),
    ("organisation", "Committee", None, ["name", "short_name", "is_active"]),
    ("organisation", "Centre", None, ["name", "slug"]),
    ("organisation", "WorkplaceKind", None, None),
    ("organisation", "ElectoralTerm", None, None),  # the period filter's choices
    # The challenges column: a challenge sent, moved or deleted (thanks and edits are not read).
    ("stories", "Story", None, ["kind", "workplace_id", "published_at"]),
]


def watched_tables() -> list[tuple[str, list[str] | None]]:
    result = []
    for app_label, model_name, m2m, columns in WATCHED:
        model = apps.get_model(app_label, model_name)
        if m2m:
            model = model._meta.get_field(m2m).remote_field.through
        result.append((model._meta.db_table, columns))
    return result


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


def _names(table: str) -> dict[str, str]:
    # PostgreSQL names are unique per table; SQLite's per database.
    return {
        "statement": "coverage_version_now",
        "commit": "coverage_version_commit",
        "ins": f"coverage_version_ins_{table}",
        "upd": f"coverage_version_upd_{table}",
        "del": f"coverage_version_del_{table}",
    }


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


def drop_all(connection=default_connection) -> None:
    drop_triggers(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
            cursor.execute(f"DROP SEQUENCE IF EXISTS {STORAGE}")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {STORAGE}")


def cache_key(namespace: str, version: str, identity: str) -> str:
    """A cache key for something computed from the data at `version`; the database's name
    keeps two databases sharing one Redis (test runs, the benchmark) apart."""
    from django.conf import settings

    database = settings.DATABASES["default"]["NAME"]
    return f"coverage:{namespace}:" + sha256(f"{database}|{version}|{identity}".encode()).hexdigest()


def data_version(connection=default_connection) -> str | None:
    """The current version (one query), or None where there is none: nothing is cached then."""
    if connection.vendor == "postgresql":
        sql = f"SELECT last_value, is_called FROM {STORAGE}"  # noqa: S608  # nosec B608 (a constant)
    elif connection.vendor == "sqlite":
        sql = f"SELECT value, 1 FROM {STORAGE} WHERE id = 1"  # noqa: S608  # nosec B608 (a constant)
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return f"{row[0]}.{int(bool(row[1]))}" if row else None


# Migrations run without the triggers: PostgreSQL refuses to ALTER a table with pending
# deferred trigger events, which a migration that changes rows and then the table (in one
# transaction) would leave. They are dropped before `migrate` and put back after it, with
# a new version for whatever the migrations changed.


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


def storage_present(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [STORAGE])
            return bool(cursor.fetchone()[0])
    return STORAGE in connection.introspection.table_names()
