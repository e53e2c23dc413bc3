from __future__ import annotations

import logging
import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from organisation.roles import roles_of

security_log = logging.getLogger("samspil.security")
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


# Pages a person who still owes the second factor may use: their own account (log in, out,
# two-factor, email, password, sessions, own data), the privacy page and the language switch.
_SECOND_FACTOR_EXEMPT = ("/konto/", "/privatliv/", "/i18n/", "/healthz", "/static/")


def passed_second_factor(request) -> bool:
    """Did *this session* pass a second factor (TOTP, recovery code or passkey) at login?

    allauth records every authentication step of the session; enrolling later, or a
    second factor passed in another session, leaves no record here.
    """
    return any(
        # Only the login's own step: a re-authentication later in the session (which allauth
        # also records as "mfa") does not make a session from before enrolment a new login.
        record.get("method") == "mfa" and not record.get("reauthenticated")
        for record in get_authentication_records(request, request.user)
    )


def must_use_second_factor(user) -> bool:
    """Administrators (and technical staff) always; the roles in MFA_REQUIRED_ROLES too."""
    if user.is_staff or user.is_superuser:
        return True
    roles = roles_of(user)
    return roles.is_administrator or bool(roles.roles & set(settings.MFA_REQUIRED_ROLES))


class RequireTwoFactorMiddleware:
    """Everyone whose role must use two-factor uses it, in every session (issue 14, point 3).

    allauth has no "require MFA" switch so this is ours. It sits in
    front of every view rather than on a list of administrator URLs, so an administrator
    power added anywhere later is covered without anyone remembering to list it. A person
    not yet enrolled is sent to enrol; an enrolled person whose session did not pass the
    second factor (a session from before enrolment) is logged out to log in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_SECOND_FACTOR_EXEMPT)
            # Session first: it is already loaded, so a person who passed costs no query.
            or passed_second_factor(request)
            or not must_use_second_factor(user)
        ):
            return self.get_response(request)
        if is_mfa_enabled(user):
            security_log.info("second factor missing in session user=%s path=%s", user.pk, request.path)
            logout(request)
            messages.warning(request, _("Please log in again with your two-factor code to continue."))
            return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
        messages.warning(request, _("Your role needs two-factor authentication. Set it up to continue."))
        return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")


# Only these methods reach a view: every form posts, every page is a GET (HEAD is GET).
_ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST"})


class RequestGuardMiddleware:
    """Refuses what no Samspil view takes, before anything reads the body (issue 14, point 8).

    A body over REQUEST_MAX_BYTES (by its Content-Length) gets 413 at once, so a 120 MB
    picture is not received in full before the picture check; a method other than GET,
    HEAD and POST gets 405 instead of the GET page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in _ALLOWED_METHODS:
            return HttpResponseNotAllowed(sorted(_ALLOWED_METHODS - {"HEAD"}))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest()
        if length > settings.REQUEST_MAX_BYTES:
            response = HttpResponse(
                _("The request is too large (at most %(limit)s).")
                % {"limit": filesizeformat(settings.REQUEST_MAX_BYTES)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            # The unread body must not be taken for the next request on this connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a signed-in person and downloads are not kept by browsers or proxies.

    A view that chose its own Cache-Control (public story pictures, the calendar feed) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        personal = user is not None and user.is_authenticated
        if personal or "attachment" in response.get("Content-Disposition", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response
