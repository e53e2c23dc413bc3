"""A data version for the meeting .ics downloads, bumped by the database itself.

A meeting's .ics (meetings/calendars/ics.py, `meeting_ics`) is a function of the meeting,
its host workplace (the location), its organiser and its participants with their names and
addresses, the reader's variant (a visit's host sees who is coming) and the language; only
its DTSTAMP is the moment of the download. The built file is cached under this version
(meetings/calendars/views.py), which triggers on every table and column the file reads
bump on each write, whatever made it (samspil/data_versions.py, as the start page's
figures and the coverage report): a changed meeting, reply, name or address is never
served from the cache. The version is read in the same query as the permission check.
"""

from __future__ import annotations

from django.db.models import CharField
from django.db.models.expressions import RawSQL

from samspil.data_versions import DataVersion

# (app label, model, many-to-many field or None, the columns whose UPDATE changes a
# meeting's .ics; None for any column).
# Whatever ics.meeting_ics and invitations.visit_summary read: keep the two in step.
WATCHED = [
    (
        "meetings",
        "Meeting",
        None,
        [
            "uid",
            "sequence",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "host_id",
            "purpose",
            "status",
            "organiser_id",
            "visit_slot_id",
        ],
    ),
    ("meetings", "Participant", None, ["meeting_id", "person_id", "role", "response"]),
    ("accounts", "User", None, ["full_name", "email"]),  # names, addresses, erasure
    ("organisation", "Workplace", None, ["name", "address", "postcode", "city"]),  # the location
]


VERSION = DataVersion("meetings_ics", WATCHED)


def version_expression(vendor: str) -> RawSQL | None:
    """The version as a column of another query (the meeting's); None on a database
    without the triggers: nothing is cached then."""
    if vendor == "postgresql":
        sql = f"SELECT last_value || '.' || is_called::int FROM {VERSION.storage}"  # noqa: S608  # nosec B608 (constants)
    elif vendor == "sqlite":
        sql = f"SELECT CAST(value AS TEXT) FROM {VERSION.storage}"  # noqa: S608  # nosec B608 (constants)
    else:
        return None
    return RawSQL(sql, [], output_field=CharField())  # noqa: S611  # nosec B611 (constants, no input)
