"""Compile every .po file to .mo with polib: Django's compilemessages needs GNU
gettext's msgfmt, which a fresh laptop with only Python does not have.

The .po files are the one source of the Danish text: translators edit them, and
`--check` (run by `make makemessages`) lists every Danish msgid still without a
translation or marked fuzzy, and fails while there is one."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def po_files() -> list[Path]:
    roots = [Path(path) for path in settings.LOCALE_PATHS] + [
        Path(settings.BASE_DIR) / app / "locale" for app in settings.SAMSPIL_APPS
    ]
    return sorted(path for root in roots for path in root.glob("*/LC_MESSAGES/*.po"))


def untranslated(po_path: Path) -> list[str]:
    """The msgids of a Danish .po file without a translation, or with a fuzzy one
    (makemessages guesses those from a similar string: a person has to look)."""
    missing = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            done = all(entry.msgstr_plural.get(n) for n in (0, 1))
        else:
            done = bool(entry.msgstr)
        if not done or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


class Command(BaseCommand):
    help = "Compile the project's and apps' .po translation files (no gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="List Danish strings without a translation (or fuzzy); fail if any."
        )

    def handle(self, *args, **options):
        if options["check"]:
            problems = [
                f"{po_path.relative_to(settings.BASE_DIR)}: {msgid!r}"
                for po_path in po_files()
                if po_path.parts[-3] == "da"
                for msgid in untranslated(po_path)
            ]
            for problem in problems:
                self.stdout.write(f"missing Danish: {problem}")
            if problems:
                raise CommandError(f"{len(problems)} Danish translation(s) missing or fuzzy.")
            self.stdout.write("Every Danish string is translated.")
            return
        compiled = 0
        for po_path in po_files():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"Compiled {compiled} translation file(s).")
