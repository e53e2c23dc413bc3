"""Headers, cookies and sessions on every kind of page."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import SESSION_STARTED_KEY
from tests.factories import PASSWORD

PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
}

PAGE_TYPES = {
    "public form": ("anonymous", "/konto/login/"),
    "json": ("anonymous", "/healthz"),
    "login redirect": ("anonymous", "/"),
    "start page": ("member", "/"),
    "list": ("member", "/virksomheder/"),
    "detail": ("member", "/virksomheder/egeskovskolen/"),
    "form": ("leader", "/virksomheder/egeskovskolen/rediger/"),
    "not found": ("member", "/virksomheder/findes-ikke/"),
    "forbidden": ("member", "/virksomheder/egeskovskolen/rediger/"),
}


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_sends_the_security_headers(org, settings, page_type):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    role, path = PAGE_TYPES[page_type]
    client = Client()
    user = org.roles[role]
    if user is not None:
        client.force_login(user)
    response = client.get(path, secure=True)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_cookies_are_host_prefixed_secure_and_http_only_in_production(org, settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    client = Client()
    client.get("/konto/login/", secure=True)
    response = client.post("/konto/login/", {"login": "member@test.example", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert not session["domain"]
    csrf = client.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


def test_plain_http_is_redirected_to_https_in_production(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/konto/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_deactivating_a_person_ends_their_sessions(org, client_for):
    client = client_for(org.member)
    assert client.get("/").status_code == 200
    org.member.is_active = False
    org.member.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_removing_a_role_takes_effect_on_the_next_request(org, client_for):
    client = client_for(org.leader)
    edit = reverse("organisation:workplace_edit", args=[org.workplace.slug])
    assert client.get(edit).status_code == 200
    org.leader.memberships.update(ends_on="2000-01-01", starts_on="1999-01-01")
    assert client.get(edit).status_code == 403


def test_a_session_ends_after_the_absolute_lifetime_however_busy(org, client_for, settings):
    client = client_for(org.member)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # logged out for good


def test_activity_renews_the_idle_timeout_but_not_on_every_request(org, client_for):
    from accounts.middleware import SESSION_SEEN_KEY

    client = client_for(org.member)
    client.get("/")
    first_expiry = client.session.get_expiry_date()
    seen = client.session[SESSION_SEEN_KEY]
    client.get("/")
    assert client.session[SESSION_SEEN_KEY] == seen  # no write within a few minutes
    session = client.session
    session[SESSION_SEEN_KEY] = seen - 301
    session.save()
    client.get("/")
    assert client.session[SESSION_SEEN_KEY] > seen - 301
    assert client.session.get_expiry_date() >= first_expiry


def test_an_idle_session_expires(org, settings):
    client = Client()
    client.force_login(org.member)
    session = client.session
    session.set_expiry(-1)  # what the idle timeout does after SESSION_COOKIE_AGE
    session.save()
    assert client.get("/").status_code == 302


def test_changing_the_password_needs_the_current_one(org, client_for):
    client = client_for(org.member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "A-new-long-pass-77", "password2": "A-new-long-pass-77"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["oldpassword"]


def test_changing_the_email_asks_for_the_password_again(org, client_for):
    from allauth.account.models import EmailAddress

    response = client_for(org.member).post(
        reverse("account_email"), {"action_add": "", "email": "new-address@test.example"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new-address@test.example").exists()


def test_logins_failures_and_refusals_are_logged(org, client_for, caplog):
    caplog.set_level(logging.INFO, logger="samspil.security")
    Client().post("/konto/login/", {"login": "member@test.example", "password": "wrong"})
    Client().post("/konto/login/", {"login": "member@test.example", "password": PASSWORD})
    client_for(org.member).get(reverse("organisation:workplace_edit", args=[org.workplace.slug]))
    messages = [record.getMessage() for record in caplog.records if record.name == "samspil.security"]
    assert any(m.startswith("login failed") for m in messages), messages
    assert any(m.startswith(f"login succeeded user={org.member.pk}") for m in messages), messages
    assert any(m.startswith(f"refused user={org.member.pk} perm=organisation.change_workplace") for m in messages)
    assert not any("member@test.example" in m for m in messages)
