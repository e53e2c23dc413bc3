from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.roles import roles_of


class RequireAdministratorMFAMiddleware:
    """Administrators must enrol in two-factor authentication before any administrator page.

    allauth has no "require MFA" switch (see ../shared/FACTS.md), so this is ours. It only
    guards the administrator areas; enrolment and logout stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            messages.warning(
                request,
                _("Administrator pages need two-factor authentication. Set it up to continue."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if not request.path.startswith(tuple(settings.ADMINISTRATOR_PATH_PREFIXES)):
            return False
        if not (roles_of(user).is_administrator or user.is_staff):
            return False
        return not is_mfa_enabled(user)
