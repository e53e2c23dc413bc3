"""Who is acting right now: set per request by the middleware, per task by Celery signals.

A contextvar, not a thread-local, so it is right under ASGI and in threads alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    request_id: str = ""
    ip: str = ""
    source: str = ""  # the request path, or "task:<name>", or "command:<name>"


_SYSTEM = Actor(source="system")
_current: ContextVar[Actor | None] = ContextVar("samspil_audit_actor", default=None)


def current() -> Actor:
    return _current.get() or _SYSTEM


def set_actor(actor: Actor):
    return _current.set(actor)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Every audit entry written inside the block names `actor` (e.g. an import's owner)."""
    token = set_actor(actor)
    try:
        yield actor
    finally:
        reset(token)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = Actor(
            user_id=user.pk if user is not None and user.is_authenticated else None,
            request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex,
            ip=request.META.get("REMOTE_ADDR", ""),
            source=f"{request.method} {request.path}"[:255],
        )
        # Django logs 4xx/5xx answers after the middleware has returned; the JSON log
        # formatter finds the id on the request then (samspil/logformat.py).
        request.request_id = actor.request_id
        token = set_actor(actor)
        try:
            return self.get_response(request)
        finally:
            reset(token)
