from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodexConfig(AppConfig):
    name = "codex"
    verbose_name = _("Codex")
