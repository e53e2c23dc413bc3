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

from django.apps import apps
from django.db import connection as default_connection

from samspil.data_versions import DataVersion

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


VERSION = DataVersion("portal", watched_tables)
STORAGE = VERSION.storage
create_storage = VERSION.create_storage
install_triggers = VERSION.install_triggers
drop_triggers = VERSION.drop_triggers
bump = VERSION.bump
drop_all = VERSION.drop_all
storage_present = VERSION.storage_present
# Off during `migrate`, back after it (samspil/data_versions.py).
before_migrate = VERSION.before_migrate
after_migrate = VERSION.after_migrate


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
