"""Personal data: what Samspil holds about a person, how it is erased, and how long it is kept.

Each app registers what it holds about people (`register(...)`) from its AppConfig.ready():
an exporter (person → list of plain dicts for the data download) and an eraser (person →
None; deletes for real or anonymises what the law requires Samspil to keep). Retention
jobs (`register_retention`) delete expired data for real — no soft deletes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst


@dataclass(frozen=True)
class PersonalData:
    key: str
    label: str
    export: Callable[[object], list[dict]]
    erase: Callable[[object], None] | None = None


@dataclass(frozen=True)
class Retention:
    key: str  # the key in settings.RETENTION_DAYS
    label: str
    purge: Callable[[dt.datetime], int]  # deletes what is older than the cut-off; returns rows deleted


_personal: dict[str, PersonalData] = {}
_retention: dict[str, Retention] = {}


def register(key: str, label, *, export, erase=None) -> None:
    _personal[key] = PersonalData(key, label, export, erase)


def register_retention(key: str, label, *, purge) -> None:
    _retention[key] = Retention(key, label, purge)


class Rows(list):
    """Rows for the download, with translated column labels for the page."""

    labels: list[str]


def _label(model, path: str) -> str:
    fields = []
    for name in path.split("__"):
        fields.append(model._meta.get_field(name))
        model = fields[-1].related_model or model
    # "workplace__name" reads better as "workplace" than as "name".
    if len(fields) > 1 and fields[-1].name in ("name", "title"):
        fields.pop()
    return capfirst(str(getattr(fields[-1], "verbose_name", path)))


def rows(queryset, *fields: str, limit: int = 10_000) -> Rows:
    """An exporter's usual shape: the person's rows as plain dicts of the named fields."""
    result = Rows(queryset.values(*fields)[:limit])
    result.labels = [_label(queryset.model, path) for path in fields]
    return result


def personal_data(person) -> dict[str, list[dict]]:
    return {item.key: item.export(person) for item in _personal.values()}


def retention_rules() -> list[tuple[Retention, int]]:
    return [
        (rule, settings.RETENTION_DAYS[rule.key]) for rule in _retention.values() if rule.key in settings.RETENTION_DAYS
    ]


# An erased account keeps its row with this address (person_erase below): the mark that
# tells history ("Slettet person" in locked minutes and logs) from current lists, which
# leave erased people out (meetings: participants, read requests, presenters).
ERASED_EMAIL_PREFIX = "erased-"
ERASED_EMAIL_DOMAIN = "@invalid.example"


def erased(person) -> bool:
    """True for an account person_erase anonymised."""
    email = getattr(person, "email", "") or ""
    return email.startswith(ERASED_EMAIL_PREFIX) and email.endswith(ERASED_EMAIL_DOMAIN)


def erased_q(prefix: str = "") -> Q:
    """The erased accounts as a filter; `prefix` reaches them through a relation ("person__")."""
    return Q(**{f"{prefix}email__startswith": ERASED_EMAIL_PREFIX, f"{prefix}email__endswith": ERASED_EMAIL_DOMAIN})


def person_erase(*, person, erased_by=None) -> None:
    """Erase a person: every app deletes or anonymises its part, then the account itself
    is anonymised (kept as a row so that what must stay — signatures, minutes authorship —
    points at "an erased person" rather than at nobody)."""
    with transaction.atomic():
        for item in _personal.values():
            if item.erase is not None:
                item.erase(person)
        person.full_name = f"Slettet person {person.pk}"
        person.email = f"{ERASED_EMAIL_PREFIX}{person.pk}{ERASED_EMAIL_DOMAIN}"
        person.job_title = ""
        person.is_active = False
        person.set_unusable_password()
        person.save()


def purge_expired(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    deleted = {}
    for rule, days in retention_rules():
        with transaction.atomic():
            deleted[rule.key] = rule.purge(now - dt.timedelta(days=days))
    return deleted
