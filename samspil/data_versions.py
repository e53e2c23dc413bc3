"""A data version bumped by the database itself, for caches that must never be stale.

A cache of figures computed over whole tables (the coverage report, the start page's
municipal figures) is keyed by a version that triggers on every table and column the
figures read bump on each write, whatever made it: a model's save(), a queryset update(),
bulk_create, the importer, raw SQL or a fix by hand in psql. No code path can forget to
invalidate, and reading the version is one cheap query a request.

PostgreSQL: a sequence, never rolled back, so no two states of the data share a version.
A statement-level trigger bumps it as the write happens (the writing transaction then sees
its own change at once) and a deferred row-level constraint trigger bumps it again at
commit (a request that read the first bump before the commit, and cached the old figures
under it, is superseded). Left: the instant between that last bump and the commit becoming
visible; figures cached in it are wrong until the next change or the cache timeout.

SQLite: a one-row table set to random() by row triggers. SQLite serialises writers, so
the transactional value is exact; random rather than +1 so that a rolled-back test and the
next one never share a version.

Migrations run without the triggers: PostgreSQL refuses to ALTER a table with pending
deferred trigger events, which a migration that changes rows and then the table (in one
transaction) would leave. They are dropped before `migrate` and put back after it, with a
new version for whatever the migrations changed (`before_migrate`, `after_migrate`).
"""

from __future__ import annotations

from hashlib import sha256

from django.apps import apps
from django.conf import settings
from django.db import connection as default_connection
from django.db import connections

# (app label, model, many-to-many field or None, the columns whose UPDATE moves the
# version; None for any column)
WatchedModel = tuple[str, str, str | None, list[str] | None]


class DataVersion:
    def __init__(self, prefix: str, watched: list[WatchedModel]) -> None:
        self.prefix = prefix
        self.storage = f"{prefix}_data_version"
        self.function = f"{prefix}_bump_data_version"
        self.watched = watched

    def watched_tables(self) -> list[tuple[str, list[str] | None]]:
        """(table, columns) of each watched model or many-to-many table."""
        result = []
        for app_label, model_name, m2m, columns in self.watched:
            model = apps.get_model(app_label, model_name)
            if m2m:
                model = model._meta.get_field(m2m).remote_field.through
            result.append((model._meta.db_table, columns))
        return result

    def version_sql(self, vendor: str) -> str | None:
        """The SELECT of the current version as text, for `read` or inside another query
        (a subquery that brings the version with a page's own rows); None where there is none."""
        if vendor == "postgresql":
            return f"SELECT last_value::text || '.' || is_called::int::text FROM {self.storage}"  # noqa: S608  # nosec B608 (a constant)
        if vendor == "sqlite":
            return f"SELECT CAST(value AS text) || '.1' FROM {self.storage} WHERE id = 1"  # noqa: S608  # nosec B608 (a constant)
        return None

    def read(self, connection=default_connection) -> str | None:
        """The current version (one query), or None where there is none: nothing is cached then."""
        sql = self.version_sql(connection.vendor)
        if sql is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return row[0] if row else None

    def cache_key(self, namespace: str, version: str, identity: str) -> str:
        """A cache key for something computed from the data at `version`; the database's name
        keeps two databases sharing one Redis (test runs, the benchmark) apart."""
        database = settings.DATABASES["default"]["NAME"]
        return f"{self.prefix}:{namespace}:" + sha256(f"{database}|{version}|{identity}".encode()).hexdigest()

    def _names(self, table: str) -> dict[str, str]:
        # PostgreSQL trigger names are unique per table; SQLite's per database.
        return {
            "statement": f"{self.prefix}_version_now",
            "commit": f"{self.prefix}_version_commit",
            "ins": f"{self.prefix}_version_ins_{table}",
            "upd": f"{self.prefix}_version_upd_{table}",
            "del": f"{self.prefix}_version_del_{table}",
        }

    def create_storage(self, connection) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {self.storage}")
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS $$"
                    f" BEGIN PERFORM nextval('{self.storage}'); RETURN NULL; END $$"
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.storage}"
                    " (id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)"
                )
                cursor.execute(f"INSERT OR IGNORE INTO {self.storage} (id, value) VALUES (1, 0)")  # noqa: S608  # nosec B608 (constants)

    def install_triggers(self, connection=default_connection) -> None:
        """(Re)create the triggers on the watched tables; idempotent, run after `migrate`."""
        if connection.vendor not in {"postgresql", "sqlite"}:
            return
        self.create_storage(connection)
        quote = connection.ops.quote_name
        existing = set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            for table, columns in self.watched_tables():
                if table not in existing:  # a partial migrate
                    continue
                names = self._names(table)
                update = "UPDATE" + (" OF " + ", ".join(quote(c) for c in columns) if columns else "")
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {names['statement']} ON {quote(table)}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {names['commit']} ON {quote(table)}")
                    cursor.execute(
                        f"CREATE TRIGGER {names['statement']} AFTER INSERT OR {update} OR DELETE OR TRUNCATE"
                        f" ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()"
                    )
                    cursor.execute(
                        f"CREATE CONSTRAINT TRIGGER {names['commit']} AFTER INSERT OR {update} OR DELETE"
                        f" ON {quote(table)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                        f" EXECUTE FUNCTION {self.function}()"
                    )
                else:
                    body = f"UPDATE {self.storage} SET value = random() WHERE id = 1"  # noqa: S608  # nosec B608 (a constant)
                    for key, event in (("ins", "INSERT"), ("upd", update), ("del", "DELETE")):
                        cursor.execute(f"DROP TRIGGER IF EXISTS {quote(names[key])}")
                        cursor.execute(
                            f"CREATE TRIGGER {quote(names[key])} AFTER {event} ON {quote(table)} BEGIN {body}; END"
                        )

    def drop_triggers(self, connection=default_connection) -> None:
        quote = connection.ops.quote_name
        existing = set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            for table, _columns in self.watched_tables():
                if table not in existing:
                    continue
                names = self._names(table)
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {names['statement']} ON {quote(table)}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {names['commit']} ON {quote(table)}")
                elif connection.vendor == "sqlite":
                    for key in ("ins", "upd", "del"):
                        cursor.execute(f"DROP TRIGGER IF EXISTS {quote(names[key])}")

    def bump(self, connection=default_connection) -> None:
        """A new version by hand: after `migrate`, whose data migrations ran without triggers."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT nextval('{self.storage}')")
            elif connection.vendor == "sqlite":
                cursor.execute(f"UPDATE {self.storage} SET value = random() WHERE id = 1")  # noqa: S608  # nosec B608

    def drop_all(self, connection=default_connection) -> None:
        self.drop_triggers(connection)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION IF EXISTS {self.function}()")
                cursor.execute(f"DROP SEQUENCE IF EXISTS {self.storage}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TABLE IF EXISTS {self.storage}")

    def storage_present(self, connection) -> bool:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.storage])
                return bool(cursor.fetchone()[0])
        return self.storage in connection.introspection.table_names()

    def before_migrate(self, sender, using="default", **kwargs) -> None:
        connection = connections[using]
        if connection.vendor in {"postgresql", "sqlite"} and self.storage_present(connection):
            self.drop_triggers(connection)

    def after_migrate(self, sender, using="default", **kwargs) -> None:
        connection = connections[using]
        if connection.vendor in {"postgresql", "sqlite"}:
            self.install_triggers(connection)
            self.bump(connection)
