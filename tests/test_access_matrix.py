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


def _project_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """The names of every URL pattern of the project: Samspil's own, allauth's, Django's.

    Unnamed patterns cannot have a row; they are listed in UNNAMED and checked below.
    """
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            # The Django admin is covered by kind, not by row: test_admin_access below.
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _project_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _unnamed_paths(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    paths = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                paths |= _unnamed_paths(pattern, prefix + str(pattern.pattern))
        elif not pattern.name:
            paths.add("/" + prefix + str(pattern.pattern))
    return paths


# allauth's old social URLs, kept as redirects to the new ones: no name, so no row.
UNNAMED = {
    "/konto/social/login/cancelled/": "/konto/3rdparty/login/cancelled/",
    "/konto/social/login/error/": "/konto/3rdparty/login/error/",
    "/konto/social/signup/": "/konto/3rdparty/signup/",
    "/konto/social/connections/": "/konto/3rdparty/",
}


def test_every_unnamed_url_is_a_listed_redirect(org, client_for):
    assert _unnamed_paths() == set(UNNAMED)
    login = reverse("account_login")
    for path, target in UNNAMED.items():
        anonymous = client_for(None).get(path)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(login), path
        response = client_for(org.leader).get(path)
        assert response.status_code in (301, 302) and response["Location"] == target, path


def test_every_samspil_url_has_a_row():
    missing = _project_url_names() - {row.name for row in ROWS}
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


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
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
    with transaction.atomic():
        failure = _check_admin_without_second_factor(row, org, client_for)
        transaction.set_rollback(True)
    if failure:
        failures.append(failure)
    assert not failures, "\n".join(failures)


def _check_admin_without_second_factor(row: Row, org, client_for) -> str:
    """The role "administrator whose session has not passed two-factor" (issue 14, point 3):
    no administrator power — wherever the row's administrator gets more than a person with
    no role, this session is refused or sent to enrol / log in, and a POST changes nothing;
    elsewhere it gets what a person with no role gets."""
    from tests.conftest import without_second_factor

    extra = row.setup(org) if row.setup else {}
    url = reverse(row.name, kwargs={**_value(row.kwargs, org), **extra})
    client = without_second_factor(client_for(org.admin))
    power = row.expected("admin") != row.expected("nobody")
    fingerprint = _fingerprint() if row.method == "POST" and power else None
    response = client.get(url) if row.method == "GET" else client.post(url, _value(row.data, org))
    status, location = response.status_code, response.get("Location", "")
    sent_away = status == 302 and location.startswith((reverse("mfa_activate_totp"), reverse("account_login")))
    if power and not (sent_away or status >= 400):
        return f"admin without two-factor: an administrator power answered {status} {location}"
    if not power and not sent_away:
        expected = row.expected("nobody")
        if isinstance(expected, int) and status != expected:
            return f"admin without two-factor: expected {expected} (as nobody), got {status}"
    if fingerprint is not None and (changed := _changed(fingerprint, _fingerprint())):
        return f"admin without two-factor: the POST changed {changed}"
    return ""


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


# --- The Django admin: one generic rule per kind of admin URL -----------------------------
#
# Who reaches the admin at all: a visitor is sent to log in; every role but the
# administrator is refused; an administrator without two-factor is sent to enrol; an
# administrator with two-factor gets the pages. Every admin URL pattern must be one of
# these kinds, so a new admin view without a rule fails here.

# Kinds of the admin site's own patterns, by route.
_ADMIN_SITE_KINDS = {
    "": "index",
    "login/": "login",
    "logout/": "logout",
    "password_change/": "password_change",
    "password_change/done/": "password_change_done",
    "autocomplete/": "autocomplete",
    "jsi18n/": "jsi18n",
    "r/<path:content_type_id>/<path:object_id>/": "view_on_site",
}
# Kinds of every model admin's patterns, by route below /admin/<app>/<model>/.
_MODEL_KINDS = {
    "": "changelist",
    "add/": "add",
    "<path:object_id>/history/": "history",
    "<path:object_id>/delete/": "delete",
    "<path:object_id>/change/": "change",
    "<path:object_id>/": "object",
    "<id>/password/": "password",
}
# What an administrator with two-factor gets, for the kinds that do not depend on the model.
_ADMIN_ANSWERS = {
    "index": 200,
    "app_list": 200,
    # allauth's secure_admin_login refuses the login page to anyone signed in who is not
    # is_staff: administrators are a role, so they are sent nowhere, which is harmless.
    "login": 403,
    "logout": 405,  # GET; logging out is a POST
    "password_change": 200,
    "password_change_done": 200,
    "autocomplete": 403,  # without the field it completes
    "jsi18n": 200,
    "view_on_site": 404,  # no such content type
    "catch_all": 404,
}


# admin_view turns every non-administrator away before any model code runs, so the
# object pages are asked by a sample of roles; the entry pages by every role.
_ADMIN_KINDS_FOR_EVERY_ROLE = {"index", "app_list", "login", "changelist", "add", "delete"}
_ADMIN_SAMPLE_ROLES = ("anonymous", "admin", "director", "leader", "nobody")


def _admin_patterns() -> list[tuple[str, str, str]]:
    """(model prefix or "", route, kind or "") for every pattern under /admin/."""
    admin_resolver = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin"
    )
    found = []
    for pattern in admin_resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = str(pattern.pattern)
            found += [
                (prefix, str(inner.pattern), _MODEL_KINDS.get(str(inner.pattern), "")) for inner in pattern.url_patterns
            ]
        else:
            route = str(pattern.pattern)
            kind = _ADMIN_SITE_KINDS.get(route, "")
            if pattern.name == "app_list":
                kind = "app_list"
            elif route == "(?P<url>.*)$":
                kind = "catch_all"
            found.append(("", route, kind))
    return found


def test_every_admin_url_pattern_has_a_rule():
    missing = [f"admin/{prefix}{route}" for prefix, route, kind in _admin_patterns() if not kind]
    assert not missing, f"admin URL patterns without a rule in tests/test_access_matrix.py: {missing}"


def _admin_models() -> dict[str, tuple]:
    from django.contrib import admin

    return {
        f"{model._meta.app_label}/{model._meta.model_name}/": (model, model_admin)
        for model, model_admin in admin.site._registry.items()
    }


def _admin_url(prefix: str, route: str, kind: str, sample) -> str:
    if not prefix:
        return {
            "index": "/admin/",
            "app_list": "/admin/organisation/",
            "view_on_site": "/admin/r/999999/1/",
            "catch_all": "/admin/findes-ikke/",
        }.get(kind, f"/admin/{route}")
    object_id = str(sample.pk) if sample is not None else "999999"
    return "/admin/" + prefix + route.replace("<path:object_id>", object_id).replace("<id>", object_id)


def _admin_expected(kind: str, model, model_admin, sample, request) -> tuple[int, str]:
    """(status, where a redirect goes) for an administrator with two-factor."""
    if kind in _ADMIN_ANSWERS:
        return _ADMIN_ANSWERS[kind], ""
    # The administrator's rights come from accounts.backends: Samspil's own models only.
    may_view = model_admin.has_view_or_change_permission(request)
    if kind == "changelist":
        return (200 if may_view else 403), ""
    if kind == "add":
        return (200 if model_admin.has_add_permission(request) else 403), ""
    if kind == "object":
        return 302, "change/"  # the old-style object URL redirects to the change page
    allowed = {
        "change": may_view,
        # Nobody sets a password in the admin (issue 14, point 2): always refused.
        "password": False,
        "delete": model_admin.has_delete_permission(request, sample),
        "history": True,  # the history view says "no such object" before it checks rights
    }[kind]
    if sample is None and (allowed or kind == "history"):
        return 302, "/admin/"  # "no such object": back to the index with a message
    if kind == "history" and not may_view:
        return 403, ""
    return (200 if allowed else 403), ""


def _refused(response) -> bool:
    """No admin page: refused outright, or sent to a login page or the (refusing) index."""
    if response.status_code in (403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(
        (reverse("account_login"), reverse("admin:login"), reverse("admin:index"))
    )


@pytest.fixture
def admin_with_two_factor(org):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from organisation.models import Role
    from tests.factories import UserFactory, grant

    person = UserFactory(email="admin-2fa@test.example")
    grant(person, Role.ADMINISTRATOR)
    TOTP.activate(person, generate_totp_secret())
    return person


def _admin_groups() -> list[str]:
    return sorted({prefix for prefix, _route, _kind in _admin_patterns()})


@pytest.mark.parametrize("prefix", _admin_groups(), ids=lambda prefix: f"admin/{prefix}")
def test_admin_access(prefix, org, client_for, admin_with_two_factor, rf):
    """Every admin pattern of one model admin (or of the site itself), every role."""
    models = _admin_models()
    model, model_admin = models.get(prefix, (None, None))
    sample = model._base_manager.order_by("pk").first() if model else None
    request = rf.get("/admin/")
    request.user = admin_with_two_factor
    enrol = reverse("mfa_activate_totp")
    from tests.conftest import without_second_factor

    admin_client = client_for(admin_with_two_factor)
    clients = {role: client_for(user) for role, user in org.roles.items()}
    # The cast's administrator has not enrolled, and their session passed no second factor.
    clients["admin"] = without_second_factor(clients["admin"])
    failures = []
    for row_prefix, route, kind in _admin_patterns():
        if row_prefix != prefix:
            continue
        url = _admin_url(prefix, route, kind, sample)
        for role, client in clients.items():
            if role not in _ADMIN_SAMPLE_ROLES and kind not in _ADMIN_KINDS_FOR_EVERY_ROLE:
                continue
            response = client.get(url)
            location = response.get("Location", "")
            if role == "anonymous":
                ok = response.status_code == 302 and location.startswith(
                    (reverse("account_login"), reverse("admin:login"))
                )
            elif role == "admin":
                ok = response.status_code == 302 and location.startswith(enrol)
            else:
                ok = _refused(response)
            if not ok:
                failures.append(f"{url} {role}: {response.status_code} {location}")
        status, where = _admin_expected(kind, model, model_admin, sample, request)
        response = admin_client.get(url)
        if response.status_code != status or (where and where not in response.get("Location", "")):
            failures.append(
                f"{url} administrator with two-factor: expected {status} {where}, got {response.status_code} {response.get('Location', '')}"
            )
    if model is not None and sample is not None:
        # Nobody but the administrator with two-factor deletes or adds through the admin.
        delete = _admin_url(prefix, "<path:object_id>/delete/", "delete", sample)
        add = _admin_url(prefix, "add/", "add", sample)
        for role, client in clients.items():
            before = _fingerprint()
            client.post(delete, {"post": "yes"})
            client.post(add, {})
            if changed := _changed(before, _fingerprint()):
                failures.append(f"{prefix} {role}: a refused admin POST changed {changed}")
    assert not failures, "\n".join(failures)


# --- Removing a role takes effect on the next request ------------------------------------
#
# roles_of() caches a person's roles on the user object, which Django loads afresh for
# every request; nothing keeps them across requests. These tests hold one session open
# while the role goes, so any cache that outlived a request would show here.


def _end(membership, how: str) -> None:
    import datetime as dt

    from django.utils import timezone

    if how == "ended":
        # A membership still counts on its end date: ended yesterday, it is gone today.
        membership.ends_on = timezone.localdate() - dt.timedelta(days=1)
        membership.save()
    else:
        membership.delete()


@pytest.mark.parametrize("how", ["ended", "deleted"])
def test_a_leader_whose_role_goes_is_refused_on_the_very_next_request(how, org, client_for):
    from organisation.models import Membership, Role
    from tests.agreements.helpers import make_agreement

    agreement = make_agreement(org, "draft")
    client = client_for(org.leader)
    pages = [
        reverse("organisation:workplace_edit", kwargs={"slug": org.workplace.slug}),
        reverse("agreements:edit", kwargs={"pk": agreement.pk}),
    ]
    assert [client.get(url).status_code for url in pages] == [200, 200]
    _end(Membership.objects.get(person=org.leader, role=Role.WORKPLACE_LEADER), how)
    assert client.get(pages[0]).status_code == 403
    assert client.get(pages[1]).status_code == 404
    # And the same session cannot write either.
    response = client.post(pages[0], {"description": "Efter rollen", "address": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("how", ["ended", "deleted"])
def test_a_committee_member_whose_seat_goes_loses_the_committees_agreement(how, org, client_for):
    from organisation.models import Membership, Role
    from tests.agreements.helpers import make_agreement

    agreement = make_agreement(org, "in_dialogue")
    url = reverse("agreements:detail", kwargs={"pk": agreement.pk})
    client = client_for(org.member)
    visit_times = f'href="{reverse("meetings:visit_times")}"'
    assert client.get(url).status_code == 200
    assert visit_times in client.get(reverse("portal:home")).text
    _end(Membership.objects.get(person=org.member, role=Role.COMMITTEE_MEMBER), how)
    assert client.get(url).status_code == 404
    # The menu follows too: booking visits is for politicians only.
    assert visit_times not in client.get(reverse("portal:home")).text


def test_a_new_role_takes_effect_on_the_next_request_too(org, client_for):
    from organisation.models import Role
    from tests.factories import grant

    client = client_for(org.nobody)
    url = reverse("organisation:workplace_edit", kwargs={"slug": org.workplace.slug})
    assert client.get(url).status_code == 403
    grant(org.nobody, Role.WORKPLACE_LEADER, workplace=org.workplace)
    assert client.get(url).status_code == 200
