"""One JSON object per log line, for log collectors (LOG_FORMAT=json; plain text is the default).

Each line carries the time (UTC, ISO 8601), level, logger, message and the id of the request
or task being served (audit/context.py), so the lines of one request can be found together.
"""

from __future__ import annotations

import datetime as dt
import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from audit.context import current

        actor = current()
        # django.request logs error answers after the middleware reset the context, with
        # the request attached to the record.
        request_id = actor.request_id or getattr(getattr(record, "request", None), "request_id", "")
        entry = {
            "timestamp": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id or None,
        }
        if actor.user_id is not None:
            entry["user_id"] = actor.user_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
