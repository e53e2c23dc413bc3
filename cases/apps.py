from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Committee cases")

    def ready(self) -> None:
        from . import emails, permissions, startpage  # noqa: F401  (rules, mail families, start page)
