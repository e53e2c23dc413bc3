from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Committee cases")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from . import emails, freshness, permissions, startpage  # noqa: F401  (rules, mail families, start page)

        # The hearing figures' cache version: off during `migrate`, back after it (cases/freshness.py).
        pre_migrate.connect(freshness.VERSION.before_migrate, sender=self, dispatch_uid="cases_data_version_off")
        post_migrate.connect(freshness.VERSION.after_migrate, sender=self, dispatch_uid="cases_data_version")
