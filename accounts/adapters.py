from __future__ import annotations

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


class KnownPeopleSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on logs in people Samspil already knows (by email); it creates no one."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
