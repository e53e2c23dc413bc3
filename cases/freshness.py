"""A data version for the hearing figures' cache, bumped by the database itself.

The hearing figures (cases/figures.py) aggregate the period's rows of the figure table
(models.HearingFigure, kept by triggers: cases/figure_table.py) for a scope of workplaces,
and their filter form lists the electoral terms, committees, centres and kinds. Both are
cached under this version, shared by everyone who asks for the same scope and filters, so
a repeated look costs this version's query instead of seven.

The same mechanism as the coverage report's (samspil/data_versions.py: triggers on every
table and column the page reads bump the version on each write, whatever made it). The
figure table itself is watched, not the hearings, cases and meetings behind it: its rows
are rewritten by its own triggers in the same statement as the change that moves them, so
a write that changes no figure (a draft autosaved, a meeting's title) keeps the cache.
"""

from __future__ import annotations

from hashlib import sha256

from django.apps import apps
from django.db import connection as default_connection

from samspil.data_versions import DataVersion

# (app label, model, many-to-many field or None, the columns whose UPDATE changes the
# page; None for any column). Whatever cases/figures.py and its filters read.
WATCHED = [
    ("cases", "HearingFigure", None, None),
    ("organisation", "Workplace", None, ["name", "slug", "kind_id", "centre_id", "is_active"]),
    ("organisation", "Workplace", "committees", None),  # the committee filter, a chair's scope
    ("organisation", "Committee", None, None),
    ("organisation", "Centre", None, None),
    ("organisation", "WorkplaceKind", None, None),
    ("organisation", "ElectoralTerm", None, None),  # the period filter's choices
    ("meetings", "MeetingKind", None, None),  # the filter form's last field
]


def watched_tables() -> list[tuple[str, list[str] | None]]:
    result = []
    for app_label, model_name, m2m, columns in WATCHED:
        model = apps.get_model(app_label, model_name)
        if m2m:
            model = model._meta.get_field(m2m).remote_field.through
        result.append((model._meta.db_table, columns))
    return result


VERSION = DataVersion("hearingfigures", watched_tables)
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
    return f"hearingfigures:{namespace}:" + sha256(f"{database}|{version}|{identity}".encode()).hexdigest()


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
