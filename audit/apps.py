from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import registry

        registry.track_from_settings()
        # Tasks act as themselves: connected in samspil/celery.py, where Celery is imported
        # (a web worker does not import Celery; issue 19).
