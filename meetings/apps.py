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
        # What the rooms do when the meetings room logs an event (meetings/services.py, log):
        # booking emails, then calendar invitations, as outbox rows in the same transaction.
        from .services import on_log

        on_log(notifications.enqueue_notice, notify_only=True)
        on_log(invitations.calendar_mail_for)
        # The email families this app sends through the outbox (outbox/families.py).
        invitations.register()
        reminders.register()
        notifications.register()
        from . import minutes

        minutes.register()  # reading before the lock: the request and its reminder
        # The .ics downloads' data version: off during `migrate`, back after it
        # (meetings/calendars/freshness.py).
        from django.db.models.signals import post_migrate, pre_migrate

        from .calendars import freshness

        pre_migrate.connect(freshness.VERSION.before_migrate, sender=self, dispatch_uid="meetings_ics_data_version_off")
        post_migrate.connect(freshness.VERSION.after_migrate, sender=self, dispatch_uid="meetings_ics_data_version")
