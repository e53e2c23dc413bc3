"""gunicorn's settings for Samspil (`gunicorn -c samspil/gunicorn.conf.py samspil.wsgi`).

The access log goes to stdout with the token in invitation, calendar-feed, confirmation and
password-reset paths replaced by "[redacted]" (samspil/redact.py, issue 14 point 8).
"""

from gunicorn.glogging import Logger

from samspil.redact import redact

accesslog = "-"
# A body the app would refuse anyway (REQUEST_MAX_BYTES) is cut off by gunicorn too.
limit_request_line = 8190


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every atom: the path shows up in several (request line, URL, raw URI, referer).
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = RedactingLogger
