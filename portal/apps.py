from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from samspil import bounds
        from samspil.broker import ensure_filesystem_broker_folders

        from . import checks, startpage  # noqa: F401  (registers the system checks, the start page items)

        # Web processes send to the embedded broker too: its folders must exist.
        ensure_filesystem_broker_folders()
        # Dates within a window, and invalid forms answering 400 (samspil/bounds.py).
        bounds.install_date_window()
        bounds.install_form_error_flag()
        # A rollback is checked whole before its first step (samspil/migration_safety.py).
        from django.db.models.signals import pre_migrate

        from samspil.migration_safety import check_backward_plan

        pre_migrate.connect(check_backward_plan, dispatch_uid="samspil-check-backward-plan")
        # The start page figures' triggers: off during `migrate`, back after it (portal/freshness.py).
        from django.db.models.signals import post_migrate

        from . import freshness

        pre_migrate.connect(freshness.VERSION.before_migrate, sender=self, dispatch_uid="portal_data_version_off")
        post_migrate.connect(freshness.VERSION.after_migrate, sender=self, dispatch_uid="portal_data_version")
