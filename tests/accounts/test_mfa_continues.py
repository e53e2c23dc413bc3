"""Issue 16.6 (2): two-factor set-up right after login asks for no second password, and
after the recovery codes goes on to where the person was heading — through HTTP with a real
login, as an administrator would."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from tests.conftest import totp_code
from tests.factories import PASSWORD
from tests.security.test_insider import browser, post, real_login

pytestmark = pytest.mark.django_db

SECRET_SESSION_KEY = "mfa.totp.secret"  # allauth.mfa.totp.internal.auth


def test_setting_up_two_factor_after_login_goes_on_to_the_page_asked_for(org):
    admin = browser()
    assert real_login(admin, org.admin.email).status_code == 302
    heading = "/administration/import/?kind=people"
    response = admin.get(heading)
    setup = response["Location"]
    assert response.status_code == 302 and setup.startswith(reverse("mfa_activate_totp"))

    # No second password: the set-up page itself, just after the login.
    page = admin.get(setup)
    assert page.status_code == 200, page.get("Location")
    secret = admin.session[SECRET_SESSION_KEY]
    response = post(admin, setup, {"code": totp_code(secret)})
    assert response.status_code == 302
    codes_url = response["Location"]
    assert codes_url.startswith(reverse("mfa_view_recovery_codes")) and "next=" in codes_url

    codes = admin.get(codes_url)
    assert codes.status_code == 200
    html = codes.content.decode()
    assert 'id="continue-after-codes"' in html and 'href="/administration/import/?kind=people"' in html

    # The code typed at the set-up was the second factor of this session: straight on.
    assert admin.get(heading).status_code == 200


def test_a_foreign_next_is_not_followed(org):
    admin = browser()
    real_login(admin, org.admin.email)
    setup = reverse("mfa_activate_totp") + "?next=https://evil.example/"
    admin.get(setup)
    secret = admin.session[SECRET_SESSION_KEY]
    response = post(admin, setup, {"code": totp_code(secret)})
    assert "evil.example" not in response["Location"]
    assert "evil.example" not in admin.get(response["Location"]).content.decode()


def test_later_in_the_session_the_password_is_asked_again_before_two_factor_changes(org, monkeypatch):
    admin = browser()
    real_login(admin, org.admin.email)
    later = time.time() + 301  # ACCOUNT_REAUTHENTICATION_TIMEOUT
    monkeypatch.setattr(time, "time", lambda: later)
    response = admin.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert post(admin, reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
