from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come from an administrator's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False

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
