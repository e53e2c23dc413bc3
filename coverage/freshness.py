"""A data version for the coverage report cache, bumped by the database itself.

The dashboard and its exports cache the report (selectors.cached_coverage_report) under
the current data version. Triggers on every table the figures read bump that version on
each write, whatever made it: a model's save(), a queryset update() (meetings.services
marks a meeting held or cancelled that way), bulk_create, the importer, raw SQL or a fix
by hand in psql. So a meeting held, cancelled or moved shows on the next request, and no
code path can forget to invalidate. Reading the version is one cheap query a request.

How the version is kept (a sequence and two triggers on PostgreSQL, a one-row table on
SQLite, off during `migrate`): samspil/data_versions.py. A report cached in the instant
between the last bump and the commit becoming visible is wrong until the next change or
the cache timeout (``COVERAGE_REPORT_CACHE_SECONDS``, 10 minutes by default).

UPDATE triggers list only the columns the figures read: a reminder's bookkeeping or a
meeting's title does not throw the cached report away.
"""

from __future__ import annotations

from hashlib import sha256

from django.apps import apps
from django.db import connection as default_connection

from samspil.data_versions import DataVersion

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


VERSION = DataVersion("coverage", watched_tables)
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
