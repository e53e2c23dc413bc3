# ruff: noqa: S608  (every statement here is built from constants of this module, no input)
"""Each participation's meeting end (Participant.meeting_ends_at), kept by the database.

My meetings lists a person's upcoming (or past) meetings: the person's participations,
then each one's meeting by primary key to test its end against now. A member of ten
years' committees has some 520 participations and 70 upcoming meetings, so the page's
query spent most of its time (1.5 ms of 1.9 at Copenhagen size) looking up meetings only
to drop them. With the end beside the participation, the index participant_person_ends
gives the person's upcoming (or past) participations directly.

Triggers keep the copy right whatever writes (a service, a queryset update(), bulk_create,
the admin, a fixture or a fix in psql), in the same statement as the change:
- a participation written (inserted, or saved with any change: a stale instance's value
  is never kept) takes its meeting's end;
- a meeting moved in time (or inserted after its participants, with the foreign keys
  deferred) gives its participants its end.
PostgreSQL: a BEFORE row trigger on the participants and an AFTER row trigger on the
meetings, calling plpgsql functions; SQLite (the laptop default): AFTER row triggers.
Installed and filled by migration meetings 0015; `install()` is idempotent.
"""

from __future__ import annotations

from samspil import db_triggers

_MEETING_END = "(SELECT m.ends_at FROM meetings_meeting m WHERE m.id = NEW.meeting_id)"
_FOLLOW_MEETING = (
    "UPDATE meetings_participant SET meeting_ends_at = NEW.ends_at"
    " WHERE meeting_id = NEW.id AND meeting_ends_at IS DISTINCT FROM NEW.ends_at;"
)


def _postgresql() -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION meetings_participant_end() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" NEW.meeting_ends_at := {_MEETING_END}; RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION meetings_meeting_end() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" {_FOLLOW_MEETING} RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS meetings_participant_end ON meetings_participant",
        "CREATE TRIGGER meetings_participant_end BEFORE INSERT OR UPDATE ON meetings_participant"
        " FOR EACH ROW EXECUTE FUNCTION meetings_participant_end()",
        "DROP TRIGGER IF EXISTS meetings_meeting_end ON meetings_meeting",
        "CREATE TRIGGER meetings_meeting_end AFTER INSERT OR UPDATE OF ends_at ON meetings_meeting"
        " FOR EACH ROW EXECUTE FUNCTION meetings_meeting_end()",
    ]


# SQLite: a row trigger cannot set NEW, so the row is updated after its write (SQLite's
# recursive_triggers is off: that update does not fire the trigger again).
_SQLITE_TRIGGERS = ("participant_end_ins", "participant_end_upd", "meeting_end_ins", "meeting_end_upd")


def _sqlite() -> list[str]:
    own_row = f"UPDATE meetings_participant SET meeting_ends_at = {_MEETING_END} WHERE id = NEW.id;"  # nosec B608
    follow = _FOLLOW_MEETING.replace("IS DISTINCT FROM", "IS NOT")
    return [
        *(f"DROP TRIGGER IF EXISTS meetings_{name}" for name in _SQLITE_TRIGGERS),
        f"CREATE TRIGGER meetings_participant_end_ins AFTER INSERT ON meetings_participant BEGIN {own_row} END",
        "CREATE TRIGGER meetings_participant_end_upd AFTER UPDATE ON meetings_participant"
        f" WHEN NEW.meeting_ends_at IS NOT {_MEETING_END} BEGIN {own_row} END",
        f"CREATE TRIGGER meetings_meeting_end_ins AFTER INSERT ON meetings_meeting BEGIN {follow} END",
        f"CREATE TRIGGER meetings_meeting_end_upd AFTER UPDATE OF ends_at ON meetings_meeting BEGIN {follow} END",
    ]


def install(connection) -> None:
    """(Re)create the triggers and copy every meeting's end onto its participations."""
    db_triggers.install(
        connection,
        postgresql=_postgresql,
        sqlite=_sqlite,
        fill=[
            "UPDATE meetings_participant SET meeting_ends_at ="
            " (SELECT m.ends_at FROM meetings_meeting m WHERE m.id = meetings_participant.meeting_id)"
        ],
        table="meetings_participant",
        what="the participations' meeting end",
    )


def uninstall(connection) -> None:
    db_triggers.uninstall(
        connection,
        postgresql=[
            "DROP TRIGGER IF EXISTS meetings_participant_end ON meetings_participant",
            "DROP TRIGGER IF EXISTS meetings_meeting_end ON meetings_meeting",
            "DROP FUNCTION IF EXISTS meetings_participant_end()",
            "DROP FUNCTION IF EXISTS meetings_meeting_end()",
        ],
        sqlite=[f"DROP TRIGGER IF EXISTS meetings_{name}" for name in _SQLITE_TRIGGERS],
        what="the participations' meeting end",
    )
