"""What the notifications app holds about a person (accounts/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def register() -> None:
    from .models import Notification, Preference

    privacy.register(
        "notifications",
        _("Notifications to you"),
        export=lambda person: privacy.rows(
            Notification.objects.filter(recipient=person), "kind", "link", "created_at", "read_at"
        ),
        erase=lambda person: Notification.objects.filter(recipient=person).delete(),
    )
    privacy.register(
        "notification_choices",
        _("How you want to be notified"),
        export=lambda person: privacy.rows(Preference.objects.filter(person=person), "kind", "delivery"),
        erase=lambda person: Preference.objects.filter(person=person).delete(),
    )
