from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from . import (
            permissions,  # noqa: F401  (registers the rules)
            startpage,  # noqa: F401  (nav item and next steps)
        )
        from .personal_data import register

        register()

        from outbox import families

        from .services import DEADLINE_FAMILY, build_deadline_reminder

        families.register(DEADLINE_FAMILY, build_deadline_reminder)
