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
