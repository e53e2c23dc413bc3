from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import permissions, personal_data, signals  # noqa: F401  (rules and signal handlers)

        personal_data.register()

        from . import emails

        emails.register()
