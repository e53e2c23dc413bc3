from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Questions")

    def ready(self) -> None:
        from . import (
            emails,  # noqa: F401  (registers the email families)
            permissions,  # noqa: F401  (registers the rules)
            startpage,  # noqa: F401  (menu item and next steps)
        )
