"""What a person sees on their start page under "what needs me next".

Each app registers a function `(user, roles) -> list[NextStep]`; the start page shows
them by priority. Every function must run a fixed number of queries. A function
registered with `register_parts` instead returns parts (plain SQL, `Part`) that are read
with every other such function's in the page's one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisation.roles import RoleSet
from samspil.jinja2 import row_url, url

from . import navigation


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str
    priority: int = 50  # lower comes first
    icon: str = "arrow-right-circle"


Provider = Callable[[object, RoleSet], list[NextStep]]


@dataclass(frozen=True)
class Part:
    """A provider's rows read in the start page's one query: `sql` selects (kind, pk,
    text, position), ordered and limited inside itself, `kind` a literal naming this
    part and `position` the row's place in the part's order (ROW_NUMBER() OVER (ORDER
    BY …) with the part's own ORDER BY: a UNION ALL does not promise to keep it);
    `steps(rows)` turns its rows (pk, text), in that order, into steps."""

    kind: str
    sql: str
    params: list
    steps: Callable[[list[tuple]], list[NextStep]]


PartsProvider = Callable[[object, RoleSet], list[Part]]
_providers: list[tuple[bool, Callable]] = []  # (reads in the one query, the function)


def register(provider: Provider) -> Provider:
    if (False, provider) not in _providers:
        _providers.append((False, provider))
    return provider


def register_parts(provider: PartsProvider) -> PartsProvider:
    """A provider whose rows come from the start page's one query: its parts (plain SQL,
    portal/rawsql.py) are read with every other provider's in one UNION ALL, each part
    ordered and limited inside its own subquery (PostgreSQL and SQLite alike)."""
    if (True, provider) not in _providers:
        _providers.append((True, provider))
    return provider


def next_steps(user, roles: RoleSet) -> list[NextStep]:
    slots: list[tuple[bool, list]] = []
    parts: list[Part] = []
    for in_query, provider in _providers:
        result = provider(user, roles)
        if in_query:
            parts += result
        slots.append((in_query, result))
    rows_of = _read_parts(parts)
    steps = []
    for in_query, result in slots:
        if in_query:
            for part in result:
                steps += part.steps(rows_of[part.kind])
        else:
            steps += result
    # Stable: steps of the same priority in the providers' order.
    return sorted(steps, key=lambda step: step.priority)


def _read_parts(parts: list[Part]) -> dict[str, list[tuple]]:
    rows_of: dict[str, list[tuple]] = {part.kind: [] for part in parts}
    if not parts:
        return rows_of
    from .rawsql import rows

    # Constants only (the parts' SQL); every value is a parameter.
    sql = " UNION ALL ".join(f"SELECT * FROM ({part.sql}) AS part{index}" for index, part in enumerate(parts))  # noqa: S608  # nosec B608
    params = [value for part in parts for value in part.params]
    for kind, pk, text, _position in sorted(rows(sql, params), key=lambda row: row[3]):
        rows_of[kind].append((pk, text))
    return rows_of


@register
def _organisation_steps(user, roles: RoleSet) -> list[NextStep]:
    from organisation.models import Workplace

    steps = []
    if roles.led_workplace_ids:
        missing = (
            Workplace.objects.filter(pk__in=roles.led_workplace_ids)
            .filter(Q(description="") | Q(address=""))
            .only("name", "slug")
        )
        for workplace in missing:
            steps.append(
                NextStep(
                    _("Complete the profile of %(name)s so politicians know the place.") % {"name": workplace.name},
                    row_url("organisation:workplace_edit", workplace.slug),
                    30,
                    "building",
                )
            )
    if roles.is_administrator:
        from .figures import administrator_counts

        # A count over every person (≈ 10 ms at 60,000): from the cache until a person or
        # an invitation changes (portal/figures.py).
        never_invited = administrator_counts(user)["never_invited"]
        if never_invited:
            steps.append(
                NextStep(
                    ngettext(
                        "%(n)s person has no account yet: send an invitation.",
                        "%(n)s people have no account yet: send invitations.",
                        never_invited,
                    )
                    % {"n": never_invited},
                    url("accounts:invitations"),
                    40,
                    "envelope",
                )
            )
    return steps


# The person's latest import, when it failed (ImportJob's default order: the newest first).
_FAILED_IMPORT_SQL = """
SELECT 'failed_import' AS step_kind, j.id AS step_pk, j.original_name AS step_text, 0 AS step_position
FROM (
    SELECT id, original_name, status FROM organisation_importjob
    WHERE created_by_id = %s ORDER BY created_at DESC LIMIT 1
) AS j
WHERE j.status = {failed}
"""


@register_parts
def _failed_import(user, roles: RoleSet) -> list[Part]:
    """The administrator's own last import, when it was not imported (after the steps
    above: its step came last among them)."""
    if not roles.is_administrator:
        return []
    from organisation.models import ImportJob

    from .rawsql import literal

    sql = _FAILED_IMPORT_SQL.format(failed=literal(ImportJob.Status.FAILED))
    return [Part("failed_import", sql, [user.pk], _failed_import_steps)]


def _failed_import_steps(rows) -> list[NextStep]:
    return [
        NextStep(
            _("Your import of “%(name)s” was not imported: see the errors.") % {"name": name},
            row_url("organisation:import_job", pk),
            20,
            "exclamation-triangle",
        )
        for pk, name in rows
    ]


navigation.register(_("Start"), "portal:home", order=0, icon="house")
navigation.register(_("Committees"), "organisation:committees", order=60, icon="people")
navigation.register(_("Workplaces"), "organisation:workplaces", order=70, icon="building")
navigation.register(
    _("Administration"),
    "portal:administration",
    order=100,
    icon="gear",
    visible=lambda roles: roles.is_administrator,
)
