from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from . import (
            navigation,  # noqa: F401  (menu items and start page steps)
            permissions,  # noqa: F401  (registers the rules)
        )
        from .calendars import invitations, reminders
        from .personal_data import register
        from .visits import notifications

        register()
        # The email families this app sends through the outbox (outbox/families.py).
        invitations.register()
        reminders.register()
        notifications.register()
        from . import minutes

        minutes.register()  # reading before the lock: the request and its reminder
