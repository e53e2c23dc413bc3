from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        from portal import navigation

        from . import permissions  # noqa: F401  (registers the rules)

        navigation.register(
            _("Coverage"),
            "coverage:dashboard",
            order=80,
            icon="bar-chart-line",
            visible=lambda roles: (
                roles.is_leadership or bool(roles.headed_centre_ids) or bool(roles.chaired_committee_ids)
            ),
        )
