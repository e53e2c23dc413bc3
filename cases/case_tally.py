# ruff: noqa: S608  (every statement here is built from constants of this module, no input)
"""How many cases there are of each status (models.CaseTally), kept by the database itself.

The leadership's case list shows how many cases there are (the pager's count): a COUNT(*)
over every case (20,000 at Copenhagen size, an index-only scan of 1.5–2 ms, most of the
page's SQL). The tally answers it from a row per status. Row triggers on the cases keep it
in the same statement as the insert, the status change or the delete, whatever made it (a
service, a queryset update(), bulk_create, the admin or a fix in psql), so it is never
stale, and the same transaction sees its own change. As cases/figure_table.py, PostgreSQL:
row triggers calling a plpgsql function; SQLite (the laptop default): row triggers.
Installed and counted by migration 0005; `install()` is idempotent.
"""

from __future__ import annotations

from samspil import db_triggers

TABLE = "cases_casetally"

# A status's row made when its first case comes, then counted up or down.
_ADD = (
    "INSERT INTO {table} (status, cases) VALUES (NEW.status, 0) {ignore};"
    " UPDATE {table} SET cases = cases + 1 WHERE status = NEW.status;"
)
_REMOVE = "UPDATE {table} SET cases = cases - 1 WHERE status = OLD.status;"


def _postgresql() -> list[str]:
    add = _ADD.format(table=TABLE, ignore="ON CONFLICT (status) DO NOTHING")
    remove = _REMOVE.format(table=TABLE)
    return [
        "CREATE OR REPLACE FUNCTION cases_tally_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP <> 'INSERT' THEN {remove} END IF;"
        f" IF TG_OP <> 'DELETE' THEN {add} END IF;"
        " RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION cases_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # nosec B608
        f" DELETE FROM {TABLE}; RETURN NULL; END $$",  # (a constant)
        "DROP TRIGGER IF EXISTS cases_tally ON cases_case",
        "CREATE TRIGGER cases_tally AFTER INSERT OR DELETE OR UPDATE OF status ON cases_case"
        " FOR EACH ROW EXECUTE FUNCTION cases_tally_case()",
        "DROP TRIGGER IF EXISTS cases_tally_truncate ON cases_case",
        "CREATE TRIGGER cases_tally_truncate AFTER TRUNCATE ON cases_case"
        " FOR EACH STATEMENT EXECUTE FUNCTION cases_tally_truncate()",
    ]


def _sqlite() -> list[str]:
    add = _ADD.format(table=TABLE, ignore="").replace("INSERT INTO", "INSERT OR IGNORE INTO")
    remove = _REMOVE.format(table=TABLE)
    return [
        *(f"DROP TRIGGER IF EXISTS cases_tally_{name}" for name in ("ins", "upd", "del")),
        f"CREATE TRIGGER cases_tally_ins AFTER INSERT ON cases_case BEGIN {add} END",
        f"CREATE TRIGGER cases_tally_upd AFTER UPDATE OF status ON cases_case BEGIN {remove} {add} END",
        f"CREATE TRIGGER cases_tally_del AFTER DELETE ON cases_case BEGIN {remove} END",
    ]


def install(connection) -> None:
    """(Re)create the triggers and count every case as it is."""
    db_triggers.install(
        connection,
        postgresql=_postgresql,
        sqlite=_sqlite,
        fill=[
            f"DELETE FROM {TABLE}",  # nosec B608 (a constant)
            f"INSERT INTO {TABLE} (status, cases) SELECT status, COUNT(*) FROM cases_case GROUP BY status",  # nosec B608
        ],
        table=TABLE,
        what="the case tally's triggers",
    )


def uninstall(connection) -> None:
    db_triggers.uninstall(
        connection,
        postgresql=[
            "DROP TRIGGER IF EXISTS cases_tally ON cases_case",
            "DROP TRIGGER IF EXISTS cases_tally_truncate ON cases_case",
            "DROP FUNCTION IF EXISTS cases_tally_case()",
            "DROP FUNCTION IF EXISTS cases_tally_truncate()",
        ],
        sqlite=[f"DROP TRIGGER IF EXISTS cases_tally_{name}" for name in ("ins", "upd", "del")],
        what="the case tally's triggers",
    )
