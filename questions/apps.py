from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Questions")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from . import (
            emails,  # noqa: F401  (registers the email families)
            figures,
            permissions,  # noqa: F401  (registers the rules)
            startpage,  # noqa: F401  (menu item and next steps)
        )

        # The figures cache's triggers: off during `migrate`, back after it (questions/figures.py).
        pre_migrate.connect(figures.before_migrate, sender=self, dispatch_uid="questions_data_version_off")
        post_migrate.connect(figures.after_migrate, sender=self, dispatch_uid="questions_data_version")
