"""`manage.py check --deploy`: the register's chain key must come from the environment."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def chain_key_is_set(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "CODEX_CHAIN_KEY_FROM_ENV", False):
        return []
    return [
        Warning(
            "CODEX_CHAIN_KEY is not set: the code register's hash chain is keyed with a key derived from SECRET_KEY.",
            hint=(
                "Set CODEX_CHAIN_KEY in the environment to a long random secret kept outside the database "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), then re-key the chain: "
                "see README, 'The code register'."
            ),
            id="codex.W001",
        )
    ]
