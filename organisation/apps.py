from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
        from .emails import register

        register()
