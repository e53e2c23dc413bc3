from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.cache import cache_available


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
        context.setdefault("site_url", settings.SITE_URL)
        return super().send_mail(template_prefix, email, context)

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Every email link starts with SITE_URL (as the other emails do), not with the
        # host name the request happened to use.
        path = urlsplit(super().get_reset_password_from_key_url(key)).path
        return settings.SITE_URL + path


class KnownPeopleSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on logs in people Samspil already knows (by email); it creates no one."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
