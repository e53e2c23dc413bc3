"""Every URL × every role, against the tables in tests/<app>/access_table.py."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
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
    before = row.unchanged(org) if row.unchanged else None
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _value(row.data, org))
    expected = row.expected(role)
    status, location = response.status_code, response.get("Location", "")
    login = reverse("account_login")
    if expected == LOGIN and not (status == 302 and location.startswith(login)):
        return f"{role}: expected the login redirect, got {status} {location}"
    if expected == REDIRECT and not (status in (301, 302, 303) and not location.startswith(login)):
        return f"{role}: expected a redirect, got {status} {location}"
    if isinstance(expected, int) and status != expected:
        return f"{role}: expected {expected}, got {status}"
    refused = expected == LOGIN or (isinstance(expected, int) and expected >= 400)
    if row.unchanged and refused and row.unchanged(org) != before:
        return f"{role}: the refused {row.method} changed data"
    return ""
