from __future__ import annotations

import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.roles import roles_of

SESSION_STARTED_KEY = "samspil_session_started"
SESSION_SEEN_KEY = "samspil_session_seen"
# Activity renews the idle timeout at most this often: a write per page view would cost
# three queries on every request for a precision nobody needs.
RENEW_EVERY_SECONDS = 300


def start_session_clock(session) -> None:
    now = int(time.time())
    session[SESSION_STARTED_KEY] = now
    session[SESSION_SEEN_KEY] = now


class SessionLifetimeMiddleware:
    """An idle timeout and an absolute lifetime for sessions.

    Idle: the session expires SESSION_COOKIE_AGE after it was last saved; activity saves it
    again (renewing the expiry) once RENEW_EVERY_SECONDS have passed. Absolute: any session
    ends SESSION_ABSOLUTE_SECONDS after login, however busy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            if now - request.session.get(SESSION_SEEN_KEY, 0) > RENEW_EVERY_SECONDS:
                request.session[SESSION_SEEN_KEY] = now  # modified: saved with a fresh expiry
        return self.get_response(request)


class RequireAdministratorMFAMiddleware:
    """Administrators must enrol in two-factor authentication before any administrator page.

    allauth has no "require MFA" setting (only per-user enrolment), so this is ours. It only
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
