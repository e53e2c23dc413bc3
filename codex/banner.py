"""The "please sign (again)" prompt: a banner right after login and a first item under
"what needs you next" on the start page. Both cost one query (the current codes with the
electoral term's start and this person's latest signature of each), plus the roles query
that every page already runs (cached on the user)."""

from __future__ import annotations

from django.contrib import messages
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.startpage import NextStep
from samspil.jinja2 import url

from .selectors import signing_status_at_once


def _text(due) -> str:
    if due.signed_before_term:
        return _("A new electoral term has begun: sign the code of conduct (version %(number)s) again.") % {
            "number": due.version.number
        }
    if due.version.number > 1:
        return _("A new code of conduct (version %(number)s) is published: read it and sign again.") % {
            "number": due.version.number
        }
    return _("Read and sign the code of conduct (version %(number)s).") % {"number": due.version.number}


def pending(user) -> list:
    return [due for due in signing_status_at_once(user) if not due.signed]


def next_steps(user, roles) -> list[NextStep]:
    if not roles.roles:
        return []
    return [NextStep(_text(due), url("codex:home"), 5, "patch-exclamation") for due in pending(user)]


def remind_after_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "_messages"):
        return  # a login outside a request (test client's force_login, API)
    for due in pending(user):
        messages.warning(
            request,
            format_html(
                '<span class="codex-banner">{}</span> <a class="alert-link" href="{}">{}</a>',
                _text(due),
                url("codex:home"),
                _("Sign the code"),
            ),
        )
