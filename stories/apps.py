from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Good stories")

    def ready(self) -> None:
        from . import (
            permissions,  # noqa: F401  (registers the rules)
            startpage,  # noqa: F401  (menu item and "what needs me next")
        )
        from .personal_data import register

        register()

        from outbox import families

        from .services import DIGEST_FAMILY, REPLY_FAMILY, build_challenge_reply, build_digest

        families.register(DIGEST_FAMILY, build_digest)
        families.register(REPLY_FAMILY, build_challenge_reply)
