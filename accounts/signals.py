"""Security events go to the `samspil.security` log: who logged in, who failed, who was refused."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("samspil.security")


def client_ip(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    logger.info("login succeeded user=%s ip=%s", user.pk, client_ip(request))
    if request is not None and hasattr(request, "session"):
        from .middleware import start_session_clock

        # Stamped at login, so the first page after it writes nothing more.
        start_session_clock(request.session)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    logger.info("logout user=%s ip=%s", getattr(user, "pk", None), client_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The email typed is personal data and may be someone else's: log only that it failed.
    logger.warning("login failed ip=%s", client_ip(request))


@receiver(user_logged_in)
def _remember_session(sender, request, user, **kwargs) -> None:
    """A row per signed-in session: the person's session page lists them, and deactivation
    ends them all (accounts.services.sessions_end)."""
    session = getattr(request, "session", None) if request is not None else None
    if session is None:
        return
    if session.session_key is None:
        session.save()
    from .models import UserSession

    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None) if request is not None else None
    if session is not None and session.session_key:
        from .models import UserSession

        UserSession.objects.filter(session_key=session.session_key).delete()
