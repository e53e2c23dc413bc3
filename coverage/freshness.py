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


VERSION = DataVersion("coverage", WATCHED)
