from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from portal import navigation

        from . import (
            freshness,
            permissions,  # noqa: F401  (registers the rules)
        )

        # The report cache's triggers: off during `migrate`, back after it (coverage/freshness.py).
        pre_migrate.connect(freshness.VERSION.before_migrate, sender=self, dispatch_uid="coverage_data_version_off")
        post_migrate.connect(freshness.VERSION.after_migrate, sender=self, dispatch_uid="coverage_data_version")

        from outbox import families

        from .services import DIGEST_FAMILY, build_digest

        families.register(DIGEST_FAMILY, build_digest)

        navigation.register(
            _("Coverage"),
            "coverage:dashboard",
            order=80,
            icon="bar-chart-line",
            visible=lambda roles: (
                roles.is_leadership or bool(roles.headed_centre_ids) or bool(roles.chaired_committee_ids)
            ),
        )
