"""Import committees, centres, workplaces or people from CSV/XLSX, all or nothing.

manage.py import_organisation workplaces virksomheder.xlsx --by admin@kommune.dk

The command records an import job like an upload on the import page does, so the audit
trail names the import (`import:<job id>`) and, with --by, the person responsible.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from organisation.models import ImportJob
from organisation.services import import_job_execute


class Command(BaseCommand):
    help = "Import master data from a CSV or XLSX file. A file with a bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[choice for choice, _ in ImportJob.Kind.choices])
        parser.add_argument("file", type=Path)
        parser.add_argument("--by", metavar="EMAIL", help="The person responsible, named in the audit trail.")

    def handle(self, *args, kind: str, file: Path, by: str | None = None, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        person = None
        if by:
            person = get_user_model().objects.filter(email__iexact=by).first()
            if person is None:
                raise CommandError(f"No person with the email address {by}")
        data = file.read_bytes()
        job = ImportJob.objects.create(
            kind=kind,
            file=ContentFile(data, name=file.name),
            original_name=file.name[:255],
            created_by=person,
            status=ImportJob.Status.RUNNING,
        )

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows checked", ending="")

        job = import_job_execute(job=job, data=data, progress=progress)
        self.stderr.write("")
        if job.status != ImportJob.Status.DONE:
            for error in job.errors:
                self.stderr.write(f"line {error['line'] or '-'}, {error['field'] or '-'}: {error['message']}")
            raise CommandError(
                f"Nothing imported: {job.summary.get('error_count', 0)} problem(s) in {file.name} (import {job.pk})."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {job.pk}: {job.summary['rows']} rows, "
                f"{job.summary['created']} created, {job.summary['updated']} updated."
            )
        )
