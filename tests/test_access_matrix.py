"""Every URL × every role, against the tables in tests/<app>/access_table.py."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import LOGIN, REDIRECT, ROLES, Row

TESTS = Path(__file__).parent


def _load_rows() -> list[Row]:
    rows: list[Row] = []
    for module in pkgutil.iter_modules([str(TESTS)]):
        if module.ispkg and (TESTS / module.name / "access_table.py").exists():
            rows.extend(importlib.import_module(f"tests.{module.name}.access_table").ROWS)
    return rows


ROWS = _load_rows()


def _samspil_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """The names of every URL pattern whose view is Samspil's own code."""
    resolver = resolver or get_resolver()
    names = set()
    own = tuple(f"{app}." for app in settings.SAMSPIL_APPS)
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            # The Django admin has its own permission model; who reaches it at all is
            # tested in tests/accounts (administrators with two-factor only).
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _samspil_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            module = getattr(pattern.callback, "__module__", "") or ""
            if module.startswith(own):
                names.add(f"{namespace}{pattern.name}")
    return names


def test_every_samspil_url_has_a_row():
    missing = _samspil_url_names() - {row.name for row in ROWS}
    assert not missing, f"URL patterns without a row in tests/<app>/access_table.py: {sorted(missing)}"


# The audit trail is left out: a refused request is logged there on purpose.
_FINGERPRINT_APPS = set(settings.SAMSPIL_APPS) - {"audit"}


def _fingerprinted_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in _FINGERPRINT_APPS and model._meta.managed and not model._meta.proxy
    ]


def _fingerprint() -> dict[str, object]:
    """Every row of every Samspil table: a refused write must leave all of them alone.

    One query counts every table; only the tables with rows are then read, which keeps
    the check to a handful of queries on the small test municipality.
    """
    models = _fingerprinted_models()
    union = " UNION ALL ".join(
        f"SELECT {index}, COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}"
        for index, model in enumerate(models)
    )
    with connection.cursor() as cursor:
        cursor.execute(union)  # nosec B608 - table names from the model registry
        counts = dict(cursor.fetchall())
    result: dict[str, object] = {}
    for index, model in enumerate(models):
        result[model._meta.label] = counts[index]
        if counts[index]:
            fields = [field.attname for field in model._meta.concrete_fields]
            result[model._meta.label] = hash(repr(list(model._base_manager.order_by("pk").values_list(*fields))))
    return result


def _changed(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def _value(spec, org):
    return spec(org) if callable(spec) else (spec or {})


@pytest.mark.parametrize("row", [row for row in ROWS if not row.skip], ids=lambda row: f"{row.method} {row.name}")
def test_access(row: Row, org, client_for):
    """Every role asks for the URL; each request runs in a savepoint that is rolled back,
    so one role's successful write cannot change what the next role finds."""
    failures = []
    for role in ("anonymous", *ROLES):
        with transaction.atomic():
            failure = _check(row, role, org, client_for)
            transaction.set_rollback(True)
        if failure:
            failures.append(failure)
    assert not failures, "\n".join(failures)


def _check(row: Row, role: str, org, client_for) -> str:
    extra = row.setup(org) if row.setup else {}
    url = reverse(row.name, kwargs={**_value(row.kwargs, org), **extra})
    client = client_for(org.roles[role])
    expected = row.expected(role)
    refused = expected == LOGIN or (isinstance(expected, int) and expected >= 400)
    before = row.unchanged(org) if row.unchanged else None
    # Every refused POST is checked against the whole database, not only the row's own tables.
    fingerprint = _fingerprint() if refused and row.method == "POST" else None
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _value(row.data, org))
    status, location = response.status_code, response.get("Location", "")
    login = reverse("account_login")
    if expected == LOGIN and not (status == 302 and location.startswith(login)):
        return f"{role}: expected the login redirect, got {status} {location}"
    if expected == REDIRECT and not (status in (301, 302, 303) and not location.startswith(login)):
        return f"{role}: expected a redirect, got {status} {location}"
    if isinstance(expected, int) and status != expected:
        return f"{role}: expected {expected}, got {status}"
    if row.unchanged and refused and row.unchanged(org) != before:
        return f"{role}: the refused {row.method} changed data"
    if fingerprint is not None and (changed := _changed(fingerprint, _fingerprint())):
        return f"{role}: the refused POST changed {changed}"
    if refused and row.method == "GET" and role in _STRANGER_POSTERS:
        # A page someone may not read takes no form from them either: the same URL, POSTed
        # with the row's data, changes nothing (whatever it answers).
        fingerprint = _fingerprint()
        client.post(url, _value(row.data, org))
        if changed := _changed(fingerprint, _fingerprint()):
            return f"{role}: a POST to a page refused to them changed {changed}"
    return ""


# Who tries a POST on the pages refused to them: the visitor and the two strangers.
_STRANGER_POSTERS = ("anonymous", "other_leader", "other_member")


def test_the_fingerprint_sees_an_update_and_a_delete(org):
    from organisation.models import Committee

    before = _fingerprint()
    Committee.objects.filter(pk=org.committee.pk).update(description="ændret")
    assert _changed(before, _fingerprint()) == ["organisation.Committee"]
    before = _fingerprint()
    org.other_committee.workplaces.clear()
    assert _changed(before, _fingerprint()) == ["organisation.Workplace_committees"]
