"""Import committees, centres, workplaces or people from CSV/XLSX, all or nothing.

manage.py import_organisation workplaces virksomheder.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation.importer import ImportFileError, import_rows, read_rows
from organisation.models import ImportJob


class Command(BaseCommand):
    help = "Import master data from a CSV or XLSX file. A file with a bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[choice for choice, _ in ImportJob.Kind.choices])
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind: str, file: Path, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            rows = read_rows(file.read_bytes(), file.name)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows checked", ending="")

        result = import_rows(kind=kind, rows=rows, progress=progress)
        self.stderr.write("")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"line {error.line}, {error.field or '-'}: {error.message}")
            raise CommandError(f"Nothing imported: {len(result.errors)} problem(s) in {file.name}.")
        self.stdout.write(
            self.style.SUCCESS(f"Imported {result.rows} rows: {result.created} created, {result.updated} updated.")
        )
