"""No token in any log (issue 14, point 8): invitation, calendar-feed, email-confirmation
and password-reset links carry a secret in their path, and whoever reads the logs must not
be able to use them. `redact()` replaces those path segments; `RedactTokensFilter` applies
it to every application log record and `samspil/gunicorn.conf.py` to the access log.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_TOKEN_PATHS = re.compile(
    r"(/konto/invitation/|/moeder/kalender/abonnement/|/konto/confirm-email/|/konto/password/reset/key/)"
    r"[^/\s?#\"']+"
)


def redact(text: str) -> str:
    return _TOKEN_PATHS.sub(lambda match: match.group(1) + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Rewrites the record's message so no handler or formatter sees a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
