"""Every email Samspil sends goes through the one outbox (outbox/services.py): nothing else
calls Django's mail functions or sends a message itself. This walks the syntax tree of
every Python file of the project's apps (tests/test_email_links.py checks the same at run
time: every email its flows send has an outbox row)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Django's module-level senders; each bypasses the outbox's key, claim and retry.
SENDERS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers"}
# The one place that sends: the outbox's batch (`message.send()` over its connection).
THE_OUTBOX = {"outbox/services.py"}


def project_files() -> list[Path]:
    files = []
    for app in [*settings.SAMSPIL_APPS, "samspil", "devtools"]:
        files += sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)
    return files


def sends_in(source: str, filename: str) -> list[str]:
    """Calls that send an email outside the outbox: Django's send_mail & co (by name or as a
    method, e.g. allauth's `super().send_mail(...)`), `connection.send_messages(...)`, and a
    message's `.send()` (no arguments but `fail_silently`; a signal's `.send(sender)` has one)."""
    if filename in THE_OUTBOX:
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
            found += [f"{filename}:{node.lineno} imports {a.name}" for a in node.names if a.name in SENDERS]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        message_send = (
            name == "send"
            and isinstance(func, ast.Attribute)
            and not node.args
            and all(k.arg == "fail_silently" for k in node.keywords)
        )
        if name in SENDERS or name == "send_messages" or message_send:
            found.append(f"{filename}:{node.lineno} {ast.unparse(func)}(…)")
    return found


def test_the_checker_sees_each_way_of_sending():
    sample = (
        "from django.core.mail import send_mail, EmailMessage\n"
        "def f(message, connection, request):\n"
        "    send_mail('s', 'b', None, ['a@b'])\n"
        "    message.send()\n"
        "    EmailMessage('s', 'b', to=['a@b']).send(fail_silently=True)\n"
        "    connection.send_messages([message])\n"
        "    super().send_mail('account/email/x', 'a@b', {})\n"
        "    mail_admins('s', 'b')\n"
        "    user_logged_in.send(sender=None, request=request)\n"  # a signal, not an email
        "    signal.send(None)\n"
    )
    found = [line.split(" ", 1)[1] for line in sends_in(sample, "x/services.py")]
    assert found == [
        "imports send_mail",
        "send_mail(…)",
        "message.send(…)",
        "EmailMessage('s', 'b', to=['a@b']).send(…)",
        "connection.send_messages(…)",
        "super().send_mail(…)",
        "mail_admins(…)",
    ]
    assert sends_in("message.send()\n", "outbox/services.py") == []


def test_nothing_sends_an_email_outside_the_outbox():
    files = project_files()
    assert any(p.as_posix().endswith("outbox/services.py") for p in files)
    found = []
    for path in files:
        found += sends_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert not found, "send through outbox.services.enqueue instead:\n" + "\n".join(found)
