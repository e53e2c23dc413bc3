from __future__ import annotations

import base64
import hashlib
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.cache import cache_available

# Marks a value this adapter encrypted; anything else read back is refused, not trusted.
ENCRYPTED_PREFIX = "fernet:"


def _fernet():
    from cryptography.fernet import Fernet

    key = settings.MFA_ENCRYPTION_KEY
    if not key:
        # Derived, so an installation without the setting still never stores secrets in clear.
        key = base64.urlsafe_b64encode(hashlib.sha256(f"samspil-mfa:{settings.SECRET_KEY}".encode()).digest())
    return Fernet(key)


def encrypt_secret(text: str) -> str:
    return ENCRYPTED_PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt_secret(value: str) -> str:
    if not value.startswith(ENCRYPTED_PREFIX):
        raise ValueError("a two-factor secret that was not encrypted")
    return _fernet().decrypt(value[len(ENCRYPTED_PREFIX) :].encode()).decode()


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come from an administrator's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        # The failed-login limits live in the cache. Without it they could not be counted,
        # so refuse the attempt and say why rather than allow unlimited tries (issue 15;
        # samspil/cache.py). Sessions of people already logged in keep working.
        if not cache_available():
            raise ValidationError(
                _(
                    "Login is closed for a few minutes while a part of the system restarts; "
                    "the limit on failed attempts cannot be counted. Please try again shortly."
                ),
                code="rate_limit_unavailable",
            )
        super().pre_authenticate(request, **credentials)

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (password reset, address verification, …) go through the one
        outbox like every other email: rendered here, as allauth renders them, so the link
        carries the key allauth just made (valid until used or expired, as before), then
        enqueued and sent by the outbox's batch (accounts/emails.py)."""
        from .emails import enqueue_allauth_mail

        request = allauth_context.request or self.request
        # allauth may send after the request (a security notice on commit): the site is then
        # the one SITE_URL names, as in every other email.
        host = urlsplit(settings.SITE_URL).netloc
        site = get_current_site(request) if request is not None else SimpleNamespace(domain=host, name=host)
        full = {"request": request, "email": email, "current_site": site}
        full.update(context)
        full.setdefault("site_url", settings.SITE_URL)
        enqueue_allauth_mail(template_prefix=template_prefix, message=self.render_mail(template_prefix, email, full))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Every email link starts with SITE_URL (as the other emails do), not with the
        # host name the request happened to use.
        path = urlsplit(super().get_reset_password_from_key_url(key)).path
        return settings.SITE_URL + path

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No second password prompt for setting up two-factor right after logging in (issue
        16.6): a login with the password less than ACCOUNT_REAUTHENTICATION_TIMEOUT ago is as
        fresh as the reauthentication allauth would ask for. Only for adding a first factor
        and reading its recovery codes; later in the session, and for removing or changing
        anything, allauth asks as before."""
        from allauth.core import context

        request = self.request or context.request
        setting_up = getattr(getattr(request, "resolver_match", None), "url_name", "") in SETTING_UP_TWO_FACTOR
        if app == "allauth.mfa" and setting_up and logged_in_recently(request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed logins count per account *and* client address (issue 14, point 8).

        allauth counts them per account alone, so five wrong passwords from anywhere locked
        the real owner out too. The owner's own address keeps its own count; an address
        trying many accounts meets the per-address limit (ACCOUNT_RATE_LIMITS).
        """
        from allauth.core.internal.ratelimit import get_ip

        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"


# The set-up pages RequireTwoFactorMiddleware sends a person through after login.
SETTING_UP_TWO_FACTOR = frozenset({"mfa_activate_totp", "mfa_view_recovery_codes", "mfa_add_webauthn"})


def logged_in_recently(request) -> bool:
    """Did this session log in with a password (or single sign-on) within the
    reauthentication timeout? allauth's own records of the session (not a reauthentication)."""
    import time

    from allauth.account import app_settings as account_settings
    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    logins = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") in ("password", "socialaccount") and not record.get("reauthenticated")
    ]
    return bool(logins) and time.time() - max(logins) < account_settings.REAUTHENTICATION_TIMEOUT


def may_reset_password(user) -> bool:
    """Password reset is for people who are in: an accepted invitation or a usable password.

    Samspil is invitation only (issue 14, point 4): a person who was imported but never
    invited, or whose invitation is still open, gets in by the invitation, not by a reset.
    """
    if not user.is_active:
        return False
    if not user.password.startswith(UNUSABLE_PASSWORD_PREFIX):
        return True
    return user.invitations.filter(accepted_at__isnull=False).exists()


class KnownPeopleSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on logs in people Samspil already knows (by email); it creates no one."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def authenticate_by_email(self, sociallogin):
        """Match the provider's verified addresses against the address Samspil knows each
        person by (User.email), never against an address someone added and did not verify
        (issue 14, point 1): allauth's own lookup also reads unverified EmailAddress rows."""
        from .models import User

        for address in sociallogin.email_addresses:
            if not address.verified or not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            user = User.objects.filter(email=address.email.strip().lower(), is_active=True).first()
            if user is not None:
                return user, address.email
        return None


class EncryptingMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (issue 14, point 2), with a
    key from the settings (MFA_ENCRYPTION_KEY), so the database alone — or the Django admin
    of a superuser — does not hand out anyone's second factor."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
