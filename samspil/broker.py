"""What a web process needs of the Celery broker, without importing Celery (issue 19: a
gunicorn worker never runs a task, and Celery is ≈10 MB): the embedded broker's folders,
and whether the broker answers (`/healthz`). Tasks are sent through samspil/celery.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings


def broker_url() -> str:
    """The Celery app's broker when the app is loaded (it may have been pointed elsewhere),
    else as Celery will read it (celery.app.utils.Settings.broker_url: the environment first)."""
    if celery := sys.modules.get("samspil.celery"):
        return celery.app.conf.broker_url
    return os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL


def ensure_filesystem_broker_folders() -> None:
    """The embedded (filesystem) broker needs its folders before anyone sends or reads."""
    if not broker_url().startswith("filesystem"):
        return
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def ensure_broker_connection(timeout: float = 2) -> None:
    """Raise if the broker does not answer. A Redis broker is asked with a PING, as kombu's
    Redis transport does when it connects; any other broker through Celery."""
    url = broker_url()
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return
    from samspil.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=timeout)
