# ruff: noqa: S608  (every statement here is built from constants of this module, no input)
"""The hearing figures' table (models.HearingFigure), kept by the database itself.

Triggers on the hearings, the cases and the meetings rewrite a hearing's figure row in the
same statement as the change that moves it, whatever made the change: a service, a
queryset update(), bulk_create (the scale generator), the admin or a fix in psql. So the
figures are never stale, and reading them is an index range over the period's rows, not a
join of every case and meeting (20,000 cases, 100,000 meetings at Copenhagen size).

What moves a row, and the trigger that follows it:
- a hearing opened, closed, answered, given a speaking decision, moved or deleted
  (`cases_hearing`: its row is rewritten; an autosaved draft changes no watched column);
- its case's status, treatment, override, committee or meeting (`cases_case`: the case's
  rows are rewritten; a draft has none);
- the meeting moved in time (`meetings_meeting`: the start is copied onto its cases' rows);
- rows written out of order with the foreign keys deferred (a fixture: a hearing before its
  case, a case before its meeting): the case's or the meeting's insert writes its rows.

The row's columns follow cases/selectors.py's rules (`hearing_figures`). PostgreSQL: row
triggers calling plpgsql functions; SQLite (the laptop default): row triggers. Installed and
backfilled by migration 0003; `install()` is idempotent.
"""

from __future__ import annotations

from samspil import db_triggers

TABLE = "cases_hearingfigure"
HEARING_COLUMNS = ["case_id", "workplace_id", "status", "opened_at", "submitted_at", "speaking"]
CASE_COLUMNS = ["status", "treated_at", "override_at", "committee_id", "meeting_id"]


def _select(vendor: str, where: str) -> str:
    """The figure rows of the hearings matched by `where` (on h, c, m): drafts have none."""
    if vendor == "postgresql":
        days = "EXTRACT(EPOCH FROM h.submitted_at - h.opened_at)::double precision / 86400"
    else:
        days = "(julianday(h.submitted_at) - julianday(h.opened_at))"
    treated = "c.status IN ('treated', 'decided')"
    return (
        f"INSERT INTO {TABLE} (hearing_id, case_id, workplace_id, committee_id, meeting_starts_at,"  # nosec B608
        " treated, heard_before, overridden, days, spoke)"
        " SELECT h.id, h.case_id, h.workplace_id, c.committee_id, m.starts_at,"
        f" {treated},"
        f" ({treated} AND h.submitted_at IS NOT NULL AND (c.treated_at IS NULL OR h.submitted_at <= c.treated_at)),"
        " (c.override_at IS NOT NULL AND (h.submitted_at IS NULL OR h.submitted_at > c.override_at)),"
        f" CASE WHEN h.submitted_at IS NULL THEN NULL ELSE {days} END,"
        " h.speaking = 'accepted'"
        " FROM cases_hearing h JOIN cases_case c ON c.id = h.case_id JOIN meetings_meeting m ON m.id = c.meeting_id"
        f" WHERE c.status <> 'draft' AND {where}"
    )


def _postgresql() -> list[str]:
    hearing_cols = ", ".join(HEARING_COLUMNS)
    case_cols = ", ".join(CASE_COLUMNS)
    return [
        "CREATE OR REPLACE FUNCTION cases_figure_hearing() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # nosec B608
        f" IF TG_OP <> 'INSERT' THEN DELETE FROM {TABLE} WHERE hearing_id = OLD.id; END IF;"
        f" IF TG_OP <> 'DELETE' THEN {_select('postgresql', 'h.id = NEW.id')}; END IF;"
        " RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION cases_figure_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # nosec B608
        f" IF TG_OP <> 'INSERT' THEN DELETE FROM {TABLE} WHERE case_id = OLD.id; END IF;"
        f" IF TG_OP <> 'DELETE' THEN {_select('postgresql', 'c.id = NEW.id')}; END IF;"
        " RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION cases_figure_meeting() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # nosec B608
        f" UPDATE {TABLE} SET meeting_starts_at = NEW.starts_at"
        " WHERE case_id IN (SELECT id FROM cases_case WHERE meeting_id = NEW.id);"
        " RETURN NULL; END $$",
        # A meeting inserted after its cases (a fixture, with the foreign keys deferred).
        "CREATE OR REPLACE FUNCTION cases_figure_new_meeting() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # nosec B608
        f" DELETE FROM {TABLE} WHERE case_id IN (SELECT id FROM cases_case WHERE meeting_id = NEW.id);"
        f" {_select('postgresql', 'c.meeting_id = NEW.id')};"
        " RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS cases_figure ON cases_hearing",
        f"CREATE TRIGGER cases_figure AFTER INSERT OR DELETE OR UPDATE OF {hearing_cols} ON cases_hearing"
        " FOR EACH ROW EXECUTE FUNCTION cases_figure_hearing()",
        "DROP TRIGGER IF EXISTS cases_figure ON cases_case",
        f"CREATE TRIGGER cases_figure AFTER INSERT OR DELETE OR UPDATE OF {case_cols} ON cases_case"
        " FOR EACH ROW EXECUTE FUNCTION cases_figure_case()",
        "DROP TRIGGER IF EXISTS cases_figure ON meetings_meeting",
        "CREATE TRIGGER cases_figure AFTER UPDATE OF starts_at ON meetings_meeting"
        " FOR EACH ROW WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at) EXECUTE FUNCTION cases_figure_meeting()",
        "DROP TRIGGER IF EXISTS cases_figure_new ON meetings_meeting",
        "CREATE TRIGGER cases_figure_new AFTER INSERT ON meetings_meeting"
        " FOR EACH ROW EXECUTE FUNCTION cases_figure_new_meeting()",
    ]


def _sqlite() -> list[str]:
    hearing_cols = ", ".join(HEARING_COLUMNS)
    case_cols = ", ".join(CASE_COLUMNS)
    statements = []
    for name in (
        "hearing_ins",
        "hearing_upd",
        "hearing_del",
        "case_ins",
        "case_upd",
        "case_del",
        "meeting_upd",
        "meeting_ins",
    ):
        statements.append(f"DROP TRIGGER IF EXISTS cases_figure_{name}")
    return [
        *statements,
        "CREATE TRIGGER cases_figure_hearing_ins AFTER INSERT ON cases_hearing BEGIN "
        f"{_select('sqlite', 'h.id = NEW.id')}; END",
        f"CREATE TRIGGER cases_figure_hearing_upd AFTER UPDATE OF {hearing_cols} ON cases_hearing BEGIN "  # nosec B608
        f"DELETE FROM {TABLE} WHERE hearing_id = OLD.id; {_select('sqlite', 'h.id = NEW.id')}; END",
        f"CREATE TRIGGER cases_figure_hearing_del AFTER DELETE ON cases_hearing BEGIN "  # nosec B608
        f"DELETE FROM {TABLE} WHERE hearing_id = OLD.id; END",
        f"CREATE TRIGGER cases_figure_case_ins AFTER INSERT ON cases_case BEGIN {_select('sqlite', 'c.id = NEW.id')}; END",
        f"CREATE TRIGGER cases_figure_case_upd AFTER UPDATE OF {case_cols} ON cases_case BEGIN "  # nosec B608
        f"DELETE FROM {TABLE} WHERE case_id = OLD.id; {_select('sqlite', 'c.id = NEW.id')}; END",
        f"CREATE TRIGGER cases_figure_case_del AFTER DELETE ON cases_case BEGIN "  # nosec B608
        f"DELETE FROM {TABLE} WHERE case_id = OLD.id; END",
        "CREATE TRIGGER cases_figure_meeting_upd AFTER UPDATE OF starts_at ON meetings_meeting BEGIN "  # nosec B608
        f"UPDATE {TABLE} SET meeting_starts_at = NEW.starts_at"
        " WHERE case_id IN (SELECT id FROM cases_case WHERE meeting_id = NEW.id); END",
        "CREATE TRIGGER cases_figure_meeting_ins AFTER INSERT ON meetings_meeting BEGIN "  # nosec B608
        f"DELETE FROM {TABLE} WHERE case_id IN (SELECT id FROM cases_case WHERE meeting_id = NEW.id);"
        f" {_select('sqlite', 'c.meeting_id = NEW.id')}; END",
    ]


def install(connection) -> None:
    """(Re)create the triggers and rebuild every row from the hearings as they are."""
    db_triggers.install(
        connection,
        postgresql=_postgresql,
        sqlite=_sqlite,
        fill=[f"DELETE FROM {TABLE}", _select(connection.vendor, "1 = 1")],  # nosec B608 (constants)
        table=TABLE,
        what="the hearing figures' triggers",
    )


def uninstall(connection) -> None:
    functions = ("cases_figure_hearing", "cases_figure_case", "cases_figure_meeting", "cases_figure_new_meeting")
    db_triggers.uninstall(
        connection,
        postgresql=[
            *(
                f"DROP TRIGGER IF EXISTS cases_figure ON {table}"
                for table in ("cases_hearing", "cases_case", "meetings_meeting")
            ),
            "DROP TRIGGER IF EXISTS cases_figure_new ON meetings_meeting",
            *(f"DROP FUNCTION IF EXISTS {function}()" for function in functions),
        ],
        sqlite=[statement for statement in _sqlite() if statement.startswith("DROP")],
        what="the hearing figures' triggers",
    )
