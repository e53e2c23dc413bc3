from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from . import (
            invitations,
            navigation,  # noqa: F401  (menu items and start page steps)
            notifications,
            permissions,  # noqa: F401  (registers the rules)
            reminders,
        )
        from .personal_data import register

        register()
        # The email families this app sends through the outbox (outbox/families.py).
        invitations.register()
        reminders.register()
        notifications.register()
