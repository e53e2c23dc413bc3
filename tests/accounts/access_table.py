from tests.access import LOGIN, REDIRECT, Row, everyone

ROWS = [
    # An unknown token: the page says the invitation cannot be used, to anyone.
    Row("accounts:invitation_accept", kwargs={"token": "not-a-token"}, anonymous=404, others=404),
    Row("accounts:invitations", expect={"admin": 200}, others=403),
    # Many invitations at once (issue 16.6): only administrators; a refused POST makes no round.
    Row(
        "accounts:invitation_round_start",
        method="POST",
        data=lambda o: {"scope": "selection", "people": [o.nobody.pk]},
        expect={"admin": REDIRECT},
        others=403,
        unchanged=lambda o: _rounds(),
    ),
    Row("accounts:invitation_round", setup=lambda o: {"pk": _a_round(o)}, expect={"admin": 200}, others=403),
    Row(
        "accounts:invitation_resend",
        method="POST",
        kwargs=lambda o: {"person_id": o.nobody.pk},
        expect={"admin": 302},
        others=403,
    ),
]

ROWS += [
    Row("accounts:my_data", expect=everyone(200)),
    Row("accounts:my_data_download", expect=everyone(200)),
    Row("accounts:privacy", anonymous=200, expect=everyone(200)),
    # Each person's own sessions (issue 14, point 4): another person's session is not found.
    Row("accounts:sessions", expect=everyone(200)),
    Row(
        "accounts:session_end",
        method="POST",
        kwargs=lambda o: {"pk": _someone_elses_session(o)},
        expect=everyone(404),
    ),
    Row("accounts:sessions_end_others", method="POST", expect=everyone(REDIRECT)),
]


def _someone_elses_session(org) -> int:
    from accounts.models import UserSession
    from tests.factories import UserFactory

    return UserSession.objects.create(user=UserFactory(), session_key="x" * 40).pk


# allauth's pages (and Django's language switch) are about the person asking, never about
# another person's object, so every signed-in role gets the same answer.
ROWS += [
    Row("set_language", anonymous=REDIRECT, expect=everyone(REDIRECT)),
    Row("account_login", anonymous=200, expect=everyone(REDIRECT)),
    Row("account_logout", anonymous=LOGIN, expect=everyone(200)),  # GET asks to confirm
    Row("account_inactive", anonymous=200, expect=everyone(200)),
    # Signup is closed (accounts/adapters.py): the page says so.
    Row("account_signup", anonymous=200, expect=everyone(REDIRECT)),
    Row("account_reauthenticate", expect=everyone(200)),
    Row("account_request_reauthentication_code", expect=everyone(REDIRECT)),
    Row("account_confirm_reauthentication_code", expect=everyone(REDIRECT)),
    Row("account_email", expect=everyone(200)),
    Row("account_email_verification_sent", anonymous=200, expect=everyone(200)),
    Row("account_change_password", expect=everyone(200)),
    Row("account_set_password", expect=everyone(REDIRECT)),  # everyone has a password: change it
    Row("account_reset_password", anonymous=200, expect=everyone(200)),
    Row("account_confirm_login_code", expect=everyone(REDIRECT)),
    Row("account_confirm_email", kwargs={"key": "not-a-key"}, anonymous=200, expect=everyone(200)),
    Row("account_reset_password_from_key_done", anonymous=200, expect=everyone(200)),
    # A wrong key shows "this link is not valid" to anyone.
    Row(
        "account_reset_password_from_key",
        kwargs={"uidb36": "x", "key": "not-a-key"},
        anonymous=200,
        expect=everyone(200),
    ),
    Row("account_reset_password_done", anonymous=200, expect=everyone(200)),
    Row("mfa_index", expect=everyone(200)),
    Row("mfa_authenticate", expect=everyone(REDIRECT)),  # only within a login
    Row("mfa_reauthenticate", expect=everyone(REDIRECT)),
    # Just after the login (as force_login's sessions are): no second password (issue 16.6).
    Row("mfa_activate_totp", expect=everyone(200)),
    # Nobody in the cast has two-factor: nothing to deactivate or show.
    Row("mfa_deactivate_totp", expect=everyone(404)),
    Row("mfa_view_recovery_codes", expect=everyone(404)),
    Row("mfa_generate_recovery_codes", expect=everyone(REDIRECT)),
    Row("mfa_download_recovery_codes", expect=everyone(404)),
    # Passkeys (allauth WebAuthn) as a second factor and for login (issue 14, point 3).
    Row("mfa_list_webauthn", expect=everyone(200)),
    Row("mfa_add_webauthn", expect=everyone(200)),  # just after the login: no second password (16.6)
    Row("mfa_reauthenticate_webauthn", expect=everyone(REDIRECT)),
    Row("mfa_login_webauthn", anonymous=LOGIN, expect=everyone(REDIRECT)),  # a POST from the login page
    # The password again first, before the key is even looked up.
    Row("mfa_remove_webauthn", kwargs={"pk": 999999}, expect=everyone(REDIRECT)),
    Row("mfa_edit_webauthn", kwargs={"pk": 999999}, expect=everyone(REDIRECT)),
    Row("socialaccount_login_cancelled", anonymous=200, expect=everyone(200)),
    Row("socialaccount_login_error", expect=everyone(401)),
    Row("socialaccount_signup", expect=everyone(LOGIN)),
    Row("socialaccount_connections", expect=everyone(200)),
    # No provider of that name is configured.
    Row("openid_connect_login", kwargs={"provider_id": "x"}, anonymous=404, expect=everyone(404)),
    Row("openid_connect_callback", kwargs={"provider_id": "x"}, anonymous=404, expect=everyone(404)),
]


def _rounds() -> int:
    from accounts.models import InvitationRound

    return InvitationRound.objects.count()


def _a_round(org) -> int:
    from accounts.models import InvitationRound

    return InvitationRound.objects.create(scope="without_account", label="Alle", created_by=org.admin).pk
