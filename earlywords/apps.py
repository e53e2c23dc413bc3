from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyWordsConfig(AppConfig):
    name = "earlywords"
    verbose_name = _("Early words")

    def ready(self) -> None:
        from . import (
            emails,  # noqa: F401  (registers the email families)
            permissions,  # noqa: F401  (registers the rules)
            startpage,  # noqa: F401  (the chair's start page)
        )
        from .personal_data import register

        register()
