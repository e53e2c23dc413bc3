"""The registry of email families: a family's name and the function that builds its email.

    from outbox import families
    families.register("meetings.reminder", build_reminder)

`build(email_row)` renders the app's own templates and returns an EmailMessage (or
EmailMultiAlternatives), or a string saying why nothing needs sending any more (the row is
then marked skipped with that reason). It runs in the worker at send time, so it sees the
current state (a meeting moved or cancelled meanwhile). The outbox sets the recipient
address and the Message-ID; the builder does not need to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

    from .models import Email

Builder = Callable[["Email"], "EmailMessage | str"]

_builders: dict[str, Builder] = {}


def register(name: str, build: Builder) -> Builder:
    """Register (or replace, on a module reload) the builder of a family."""
    _builders[name] = build
    return build


def builder(name: str) -> Builder:
    try:
        return _builders[name]
    except KeyError:
        raise LookupError(f"no email family {name!r} is registered") from None


def registered() -> list[str]:
    return sorted(_builders)
