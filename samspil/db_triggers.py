"""Tables and columns the database keeps itself, by row triggers: one way to install and
drop them for every vendor Samspil runs on (PostgreSQL: plpgsql functions; SQLite: trigger
bodies). Used by the hearing figures (cases/figure_table.py), the case tally
(cases/case_tally.py) and the participations' meeting end (meetings/participant_times.py);
each module writes its own statements, from its own constants only.
"""

from __future__ import annotations

from collections.abc import Callable


def _for_vendor(connection, *, postgresql: Callable[[], list[str]], sqlite: Callable[[], list[str]], what: str):
    if connection.vendor == "postgresql":
        return postgresql()
    if connection.vendor == "sqlite":
        return sqlite()
    raise NotImplementedError(f"{what} for {connection.vendor}")


def install(
    connection,
    *,
    postgresql: Callable[[], list[str]],
    sqlite: Callable[[], list[str]],
    fill: list[str],
    table: str,
    what: str,
) -> None:
    """(Re)create the triggers (the vendor's statements), then bring what they keep up to
    date with `fill`, and give the planner fresh figures for `table` (PostgreSQL)."""
    statements = _for_vendor(connection, postgresql=postgresql, sqlite=sqlite, what=what)
    with connection.cursor() as cursor:
        for statement in [*statements, *fill]:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")


def uninstall(connection, *, postgresql: list[str], sqlite: list[str], what: str) -> None:
    """Drop the triggers and functions: the vendor's DROP … IF EXISTS statements."""
    statements = _for_vendor(connection, postgresql=lambda: postgresql, sqlite=lambda: sqlite, what=what)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
