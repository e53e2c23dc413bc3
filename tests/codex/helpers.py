"""Helpers for the code register's tests: publish a version, enrol an administrator in TOTP."""

from __future__ import annotations

import time

from codex import services
from codex.models import CodePoint, CodeVersion, DilemmaCase


def publish_version(author, *, audience: str = "both", title: str = "Kodeks", duties=("Sandhed", "Faglighed")):
    draft = services.version_create_draft(
        created_by=author, title=title, audience=audience, preamble="Vi mødes med tillid."
    )
    for position, name in enumerate(duties, 1):
        CodePoint.objects.create(
            version=draft, kind=CodePoint.Kind.DUTY, position=position, title=name, explanation=f"{name} forklaret."
        )
    CodePoint.objects.create(version=draft, kind=CodePoint.Kind.VALUE, position=1, title="Modig", explanation="Vi tør.")
    DilemmaCase.objects.create(
        version=draft, position=1, title="Et dilemma", situation="Noget sker.", discussion="Vi taler."
    )
    return services.version_publish(version=draft, published_by=author)


def sign(person, version: CodeVersion, **kwargs):
    return services.signature_create(
        person=person, version=version, text_sha256=version.text_sha256, consent=True, **kwargs
    )


def enrol_totp(user) -> str:
    """Enrol `user` in allauth's TOTP the way allauth's own activation view does; return the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
