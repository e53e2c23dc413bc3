"""Prove the code register intact, or name its first broken link (exit status 1)."""

from django.core.management.base import BaseCommand, CommandError

from codex.services import chain_verify


class Command(BaseCommand):
    help = "Walk the code of conduct's signature hash chain and report the first broken link."

    def handle(self, *args, **options):
        report = chain_verify()
        if not report.intact:
            raise CommandError(f"Code register {report.describe()}")
        self.stdout.write(self.style.SUCCESS(f"Code register {report.describe()}"))
