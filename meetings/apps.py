from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from . import (
            navigation,  # noqa: F401  (menu items and start page steps)
            notifications,  # noqa: F401  (booking emails task)
            permissions,  # noqa: F401  (registers the rules)
        )
        from .personal_data import register

        register()
