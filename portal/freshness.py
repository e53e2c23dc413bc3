"""A data version for the start page's municipal figures, bumped by the database itself.

The leadership's overview (portal/overview.py: agreements per state, hearings, questions,
the coverage trend) and the administrator's counts under "what needs you next" (people
without an account, stories waiting, overdue hearings) are aggregates over whole tables:
≈ 45 ms of SQL a request at Copenhagen size. They are cached (portal/figures.py) under this
version and the coverage report's (coverage/freshness.py), so they are computed again
only after a write that can change them.

The same mechanism as the coverage report's (samspil/data_versions.py: triggers on every
table and column the figures read bump the version on each write, whatever made it), with
its own version: a question answered or a story submitted does not throw the (much
dearer) coverage report away.
"""

from __future__ import annotations

from django.db import connection as default_connection

from samspil.data_versions import DataVersion

# (app label, model, many-to-many field or None, the columns whose UPDATE changes the
# figures; None for any column).
# Whatever portal.figures computes: keep the two in step.
WATCHED = [
    ("agreements", "Agreement", None, ["status", "workplace_id"]),
    ("organisation", "Workplace", None, ["centre_id"]),  # a centre head's scope
    ("cases", "Hearing", None, ["status", "deadline", "workplace_id", "case_id"]),
    ("cases", "Case", None, ["status", "title", "meeting_id", "override_at"]),
    ("meetings", "Meeting", None, ["starts_at"]),  # the overdue cases' order
    ("questions", "Question", None, ["status", "deadline", "workplace_id", "asked_at", "answered_at"]),
    ("accounts", "User", None, ["is_active", "password"]),  # people without an account
    ("accounts", "Invitation", None, None),
    ("stories", "Story", None, ["status"]),  # stories waiting to be published
]


VERSION = DataVersion("portal", WATCHED)


def versions(connection=default_connection) -> tuple[str, str] | None:
    """This version and the coverage report's, in one query; None on another database:
    nothing is cached then."""
    from coverage import freshness as coverage

    if connection.vendor == "postgresql":
        sql = (
            f"SELECT p.last_value, p.is_called, c.last_value, c.is_called"  # noqa: S608  # nosec B608 (constants)
            f" FROM {VERSION.storage} p, {coverage.VERSION.storage} c"
        )
    elif connection.vendor == "sqlite":
        sql = f"SELECT p.value, 1, c.value, 1 FROM {VERSION.storage} p, {coverage.VERSION.storage} c"  # noqa: S608  # nosec B608
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if not row:
        return None
    return f"{row[0]}.{int(bool(row[1]))}", f"{row[2]}.{int(bool(row[3]))}"
