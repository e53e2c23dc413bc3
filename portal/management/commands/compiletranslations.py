"""Compile every .po file to .mo with polib: Django's compilemessages needs GNU
gettext's msgfmt, which a fresh laptop with only Python does not have."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's and apps' .po translation files (no gettext needed)."

    def handle(self, *args, **options):
        roots = [Path(path) for path in settings.LOCALE_PATHS] + [
            Path(settings.BASE_DIR) / app / "locale" for app in settings.SAMSPIL_APPS
        ]
        compiled = 0
        for root in roots:
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"Compiled {compiled} translation file(s).")
