from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodexConfig(AppConfig):
    name = "codex"
    verbose_name = _("Code of conduct")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate, pre_migrate

        from . import freshness

        # The register's filter lists' version: off during `migrate`, back after it (codex/freshness.py).
        pre_migrate.connect(freshness.VERSION.before_migrate, sender=self, dispatch_uid="codex_units_version_off")
        post_migrate.connect(freshness.VERSION.after_migrate, sender=self, dispatch_uid="codex_units_version")

        from portal import navigation, startpage

        from . import checks, permissions  # noqa: F401  (register the deploy check and the rules)
        from .banner import next_steps, remind_after_login

        navigation.register(_("Code of conduct"), "codex:home", order=80, icon="patch-check")
        startpage.register(next_steps)
        user_logged_in.connect(remind_after_login, dispatch_uid="codex-sign-again-banner")

        from .personal_data import register

        register()

        from outbox import families

        from .services import (
            CHAIN_ANCHOR_FAMILY,
            CHAIN_BROKEN_FAMILY,
            REMINDER_FAMILY,
            build_chain_anchor,
            build_chain_broken,
            build_sign_reminder,
        )

        families.register(REMINDER_FAMILY, build_sign_reminder)
        families.register(CHAIN_ANCHOR_FAMILY, build_chain_anchor)
        families.register(CHAIN_BROKEN_FAMILY, build_chain_broken)
