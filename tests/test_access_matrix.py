"""Every URL × every role, against the tables in tests/<app>/access_table.py."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.conf import settings
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


@pytest.mark.parametrize("role", ("anonymous", *ROLES))
@pytest.mark.parametrize("row", [row for row in ROWS if not row.skip], ids=lambda row: f"{row.method} {row.name}")
def test_access(row: Row, role: str, org, client_for):
    extra = row.setup(org) if row.setup else {}
    url = reverse(row.name, kwargs={**_value(row.kwargs, org), **extra})
    user = org.roles[role]
    client = client_for(user)
    before = row.unchanged(org) if row.unchanged else None
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _value(row.data, org))
    expected = row.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{role}: {response.status_code}"
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
    elif expected == REDIRECT:
        assert response.status_code in (301, 302, 303), f"{role}: {response.status_code}"
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{role} got {response.status_code}, expected {expected}"
    if row.unchanged and (expected == LOGIN or (isinstance(expected, int) and expected >= 400)):
        assert row.unchanged(org) == before, f"{role}'s refused {row.method} changed data"
