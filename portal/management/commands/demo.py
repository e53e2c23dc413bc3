"""Load the demo municipality: every Samspil app with a `demo` module adds its part."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from organisation.models import Committee


class Command(BaseCommand):
    help = "Load demo data with one demo account per role (see README.md). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even if demo data exists.")

    def handle(self, *args, force: bool = False, **options):
        from organisation.demo import DEMO_MARKER_SLUG

        if Committee.objects.filter(slug=DEMO_MARKER_SLUG).exists() and not force:
            self.stdout.write("Demo data is already loaded.")
            return
        with transaction.atomic():
            context: dict = {}
            for app in settings.SAMSPIL_APPS:
                if find_spec(f"{app}.demo") is None:
                    continue
                self.stdout.write(f"Demo data: {app}")
                import_module(f"{app}.demo").load(context, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts are listed in README.md."))
