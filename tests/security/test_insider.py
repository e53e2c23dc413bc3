"""The hostile insider of issue 14 (points 1–4 and 8), through HTTP as the attacker would:
a real login with the password (and the TOTP code where the account has one), the CSRF
token from the cookie, the admin's own forms. Each test failed on main before the fix."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from tests.conftest import totp_code
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def browser(ip: str = "10.0.0.1") -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ip, HTTP_USER_AGENT="Insider/1.0")


def csrf(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def post(client: Client, url: str, data: dict, **extra):
    token = csrf(client, url) if "csrftoken" not in client.cookies else client.cookies["csrftoken"].value
    # The request's transaction commits, as on a real site: the emails it queued in the
    # outbox (allauth's among them) go out then.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {**data, "csrfmiddlewaretoken": token}, **extra)


def real_login(client: Client, email: str, password: str = PASSWORD, secret: str | None = None):
    login = reverse("account_login")
    response = post(client, login, {"login": email, "password": password})
    if secret is not None and response.status_code == 302 and "/2fa/" in response["Location"]:
        response = post(client, response["Location"], {"code": totp_code(secret)})
    return response


def enrol(user) -> str:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# --- 1. Email addresses ------------------------------------------------------------------


def test_an_address_added_without_verification_never_becomes_the_persons_address(org, mailoutbox):
    from accounts.models import User
    from accounts.services import person_invite

    attacker = browser()
    known = org.employee.email
    assert real_login(attacker, known).status_code == 302
    future = "ny.direktor@test.example"
    response = post(attacker, "/konto/email/", {"action_add": "", "email": future})
    # Changing the address asks for the password first.
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    post(attacker, reverse("account_reauthenticate"), {"password": PASSWORD})
    response = post(attacker, "/konto/email/", {"action_add": "", "email": future})
    assert response.status_code == 302 and response["Location"] == "/konto/email/", response["Location"]
    # The link goes to the new address, the attacker cannot follow it; making it primary is refused.
    assert any(future in message.to for message in mailoutbox)
    response = post(attacker, "/konto/email/", {"action_primary": "", "email": future})
    assert response.status_code == 400
    org.employee.refresh_from_db()
    assert org.employee.email == known
    # The director's later invitation creates the director, not the employee's account.
    invitation = person_invite(email=future, full_name="Ny Direktør", invited_by=org.admin)
    assert invitation.person != org.employee and User.objects.get(email=future).pk == invitation.person.pk


def test_a_verified_change_replaces_the_address_and_tells_the_old_one(org, mailoutbox):
    import re

    secret = enrol(org.director)  # two-factor accounts may change their address too
    old, new = org.director.email, "direktor.ny@test.example"
    director = browser()
    real_login(director, old, secret=secret)
    post(director, reverse("account_reauthenticate"), {"password": PASSWORD})
    assert post(director, "/konto/email/", {"action_add": "", "email": new}).status_code == 302
    org.director.refresh_from_db()
    assert org.director.email == old  # not before the link is followed
    link = re.search(r"/konto/confirm-email/[^/\s]+/", next(m.body for m in mailoutbox if new in m.to)).group(0)
    assert post(director, link, {}).status_code == 302
    org.director.refresh_from_db()
    assert org.director.email == new
    assert any(old in m.to and new in m.body for m in mailoutbox)  # the old address is told


def test_single_sign_on_ignores_an_address_someone_added_but_never_verified(org):
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialLogin

    from accounts.adapters import KnownPeopleSocialAccountAdapter

    class Adapter(KnownPeopleSocialAccountAdapter):
        def can_authenticate_by_email(self, sociallogin, email):  # the provider vouches for it
            return True

    EmailAddress.objects.create(user=org.employee, email="kommende@test.example", verified=False)
    sociallogin = SocialLogin(email_addresses=[EmailAddress(email="kommende@test.example", verified=True)])
    assert Adapter().authenticate_by_email(sociallogin) is None
    # The person Samspil knows by that address is matched.
    sociallogin = SocialLogin(email_addresses=[EmailAddress(email=org.leader.email, verified=True)])
    assert Adapter().authenticate_by_email(sociallogin)[0] == org.leader


# --- 2. Administrator powers ---------------------------------------------------------------


def test_the_administrator_cannot_make_itself_superuser_or_set_a_password_in_the_admin(org):
    from allauth.mfa.models import Authenticator

    secret = enrol(org.admin)
    stored = Authenticator.objects.get(user=org.admin, type="totp").data["secret"]
    assert secret not in stored  # encrypted, not in clear
    admin = browser()
    assert real_login(admin, org.admin.email, secret=secret).status_code == 302
    change = f"/admin/accounts/user/{org.admin.pk}/change/"
    page = admin.get(change)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.text and 'name="is_staff"' not in page.text
    data = {
        "email": org.admin.email,
        "full_name": org.admin.full_name,
        "job_title": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    post(admin, change, data)
    org.admin.refresh_from_db()
    assert not org.admin.is_superuser and not org.admin.is_staff
    victim = f"/admin/accounts/user/{org.leader.pk}/password/"
    assert admin.get(victim).status_code == 403
    post(admin, victim, {"password1": "Hijacked-password-1", "password2": "Hijacked-password-1"})
    org.leader.refresh_from_db()
    assert org.leader.check_password(PASSWORD)


# --- 3. Two-factor in this session ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/kodeks/register.csv", "/daekning/eksport.csv", "/admin/", "/administration/"])
def test_a_session_from_before_enrolment_loses_the_administrator_powers(org, url):
    admin = browser()
    assert real_login(admin, org.admin.email).status_code == 302
    response = admin.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    enrol(org.admin)  # enrolled elsewhere, later: this session never passed the second factor
    response = admin.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in admin.session


def test_a_director_must_enrol_and_passes_with_the_code(org):
    director = browser()
    real_login(director, org.director.email)
    response = director.get("/kodeks/register/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    secret = enrol(org.director)
    fresh = browser("10.0.0.2")
    assert real_login(fresh, org.director.email, secret=secret).status_code == 302
    assert fresh.get("/kodeks/register/").status_code == 200


# --- 4. The leaver returns ----------------------------------------------------------------


def test_a_deactivated_person_cannot_use_an_open_invitation_and_their_sessions_end(org):
    from accounts.models import Invitation

    invitation, token = Invitation.issue(person=org.nobody, invited_by=org.admin)
    session = browser()
    assert real_login(session, org.leader.email).status_code == 302
    assert session.get("/").status_code == 200
    for person in (org.nobody, org.leader):
        person.is_active = False
        person.save()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    leaver = browser()
    response = post(
        leaver, f"/konto/invitation/{token}/", {"password1": "Comeback-pass-77", "password2": "Comeback-pass-77"}
    )
    assert response.status_code == 404
    org.nobody.refresh_from_db()
    assert not org.nobody.is_active
    assert session.get("/").status_code == 302  # the leader's session ended


def test_password_reset_reaches_only_people_who_are_in(org, mailoutbox):
    from tests.factories import UserFactory

    imported = UserFactory(email="importeret@test.example", password=None)
    imported.set_unusable_password()
    imported.save()
    anyone = browser()
    post(anyone, reverse("account_reset_password"), {"email": imported.email})
    post(anyone, reverse("account_reset_password"), {"email": org.leader.email})
    links = [m for m in mailoutbox if "/password/reset/key/" in m.body]
    assert [m.to for m in links] == [[org.leader.email]]


def test_a_person_lists_and_ends_their_other_sessions(org):
    from accounts.models import UserSession

    laptop, phone = browser("10.0.0.3"), browser("10.0.0.4")
    real_login(laptop, org.leader.email)
    real_login(phone, org.leader.email)
    page = laptop.get(reverse("accounts:sessions"))
    assert page.status_code == 200 and "10.0.0.4" in page.text
    assert page["Cache-Control"] == "no-store, private" or "no-store" in page["Cache-Control"]
    other = UserSession.objects.get(user=org.leader, ip="10.0.0.4")
    assert post(laptop, reverse("accounts:session_end", args=[other.pk]), {}).status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


# --- 8. Smaller gaps ----------------------------------------------------------------------


def test_personal_pages_and_downloads_are_not_stored(org):
    leader = browser()
    real_login(leader, org.leader.email)
    for url in ("/", reverse("accounts:my_data_download")):
        assert "no-store" in leader.get(url)["Cache-Control"], url


def test_a_date_far_in_the_future_is_a_field_error_not_a_500(org):
    member = browser()
    real_login(member, org.member.email)
    response = member.get("/moeder/besoeg/?date_to=9999-12-31")
    assert response.status_code == 400


def test_an_oversized_body_is_refused_before_it_is_read(org, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = browser().post("/konto/login/", data=b"x" * 2000, content_type="application/octet-stream")
    assert response.status_code == 413


@pytest.mark.parametrize("method", ["put", "patch", "delete", "trace"])
def test_other_methods_are_refused(org, method):
    leader = browser()
    real_login(leader, org.leader.email)
    assert getattr(leader, method)("/").status_code == 405


def test_wrong_passwords_from_elsewhere_do_not_lock_out_the_owner(org):
    attacker = browser("203.0.113.9")
    for _ in range(6):
        real_login(attacker, org.leader.email, password="wrong-password-x")
    blocked = real_login(attacker, org.leader.email)
    assert blocked.status_code != 302  # the attacker's address is held back
    owner = browser("10.0.0.5")
    assert real_login(owner, org.leader.email).status_code == 302


def _issued_tokens(org, mailoutbox) -> list[str]:
    """An invitation, a password reset link and a calendar feed: the tokens this run issues."""
    import re

    from accounts.models import Invitation

    _invitation, invitation = Invitation.issue(person=org.nobody, invited_by=org.admin)
    post(browser(), reverse("account_reset_password"), {"email": org.leader.email})
    reset = re.search(r"/konto/password/reset/key/([^/\s]+)/", mailoutbox[-1].body).group(1)
    member = browser()
    real_login(member, org.member.email)
    post(member, reverse("meetings:calendar"), {"form": "feed"})
    feed = re.search(r"/moeder/kalender/abonnement/([^/\s\"<]+)\.ics", member.get(reverse("meetings:calendar")).text)
    assert feed is not None
    return [invitation, reset, feed.group(1)]


def _token_paths(tokens: list[str]) -> list[str]:
    invitation, reset, feed = tokens
    return [
        f"/konto/invitation/{invitation}/",
        f"/konto/invitation/{invitation}x/",  # a 404: django.request logs the path
        f"/konto/password/reset/key/{reset}/",
        f"/moeder/kalender/abonnement/{feed}.ics",
        f"/moeder/kalender/abonnement/{feed}x.ics",
    ]


def test_no_token_reaches_the_application_log(org, mailoutbox):
    import io

    from samspil.redact import RedactTokensFilter

    tokens = _issued_tokens(org, mailoutbox)
    # The handler settings.LOGGING configures, writing to a buffer for this test.
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactTokensFilter) for f in handler.filters)
    )
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        for path in _token_paths(tokens):
            browser().get(path)
    finally:
        console.setStream(previous)
    log = buffer.getvalue()
    assert "[redacted]" in log
    assert not [token for token in tokens if token in log]


def test_no_token_reaches_gunicorns_access_log(transactional_db, org, mailoutbox, tmp_path):
    """A real gunicorn with the project's config serves the token links; its access log
    (with the referer, which carries the previous page's address) never shows a token."""
    import time
    import urllib.error
    import urllib.request

    from django.conf import settings

    from tests.conftest import free_port

    tokens = _issued_tokens(org, mailoutbox)
    db = settings.DATABASES["default"]
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "SAMSPIL_TESTING": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "samspil.wsgi:application", "-c", "samspil/gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(access_log)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    paths = _token_paths(tokens)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        for path in paths:
            referer = f"http://127.0.0.1:{port}{paths[0]}"
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Referer": referer})
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=20)
    log = access_log.read_text()
    assert log.count("[redacted]") >= len(paths), log
    assert not [token for token in tokens if token in log]


@pytest.mark.parametrize(
    "env",
    [{"SECURE_SSL_REDIRECT": "1"}, {"SECURE_SSL_REDIRECT": "0", "BEHIND_PROXY": "1"}],
    ids=["redirect", "proxy"],
)
def test_check_deploy_passes_with_the_redirect_and_behind_the_proxy(env):
    environment = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60 + "-Zx9!",
        "ALLOWED_HOSTS": "samspil.example",
        "SAMSPIL_TESTING": "",
        # Production keeps the register's chain key outside the database (codex.W001 otherwise).
        "CODEX_CHAIN_KEY": "c" * 64,
        **env,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    script = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.stdout.split() == ["True", "True", "True"], shown.stdout + shown.stderr


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_sessions_page_reads_at_every_width_without_axe_findings(page, width):
    from tests.conftest import axe_violations, login
    from tests.factories import build_org

    org = build_org()
    page.set_viewport_size({"width": width, "height": 800})
    login(page, org.leader.email)
    page.goto(page.base_url + "/konto/sessioner/")
    assert page.locator("h1").count() == 1
    assert page.locator("text=Denne session").count() == 1
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=f"/tmp/sec-accounts-sessions-{width}.png", full_page=True)


def test_the_migration_encrypts_clear_secrets_and_decrypts_them_on_the_way_back(org):
    import importlib

    from allauth.mfa.models import Authenticator
    from django.apps import apps

    from accounts.adapters import decrypt_secret

    migration = importlib.import_module("accounts.migrations.0004_encrypt_mfa_secrets")
    Authenticator.objects.create(user=org.admin, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    Authenticator.objects.create(user=org.admin, type="recovery_codes", data={"seed": "ab12", "used_mask": 0})
    migration.encrypt(apps, None)
    rows = {row.type: row.data for row in Authenticator.objects.filter(user=org.admin)}
    assert "JBSWY3DPEHPK3PXP" not in repr(rows) and decrypt_secret(rows["totp"]["secret"]) == "JBSWY3DPEHPK3PXP"
    migration.encrypt(apps, None)  # twice is once
    assert decrypt_secret(Authenticator.objects.get(user=org.admin, type="totp").data["secret"]) == "JBSWY3DPEHPK3PXP"
    migration.decrypt(apps, None)
    rows = {row.type: row.data for row in Authenticator.objects.filter(user=org.admin)}
    assert rows == {"totp": {"secret": "JBSWY3DPEHPK3PXP"}, "recovery_codes": {"seed": "ab12", "used_mask": 0}}


def test_a_totp_code_of_the_period_just_before_counts_but_not_older_and_not_twice(org):
    """One step of clock drift (MFA_TOTP_TOLERANCE = 1), no more, and no replay."""
    import time as _time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    secret = generate_totp_secret()
    TOTP.activate(org.admin, secret)
    totp = TOTP(Authenticator.objects.get(user=org.admin, type=Authenticator.Type.TOTP))
    now = int(_time.time()) // 30
    assert totp.validate_code(format_hotp_value(hotp_value(secret, now - 1)))
    assert not totp.validate_code(format_hotp_value(hotp_value(secret, now - 1)))  # used once
    assert not totp.validate_code(format_hotp_value(hotp_value(secret, now - 3)))
