from django.core.management.base import BaseCommand

from cases.api import make_token


class Command(BaseCommand):
    help = "Make (or replace) the read-only token of one agenda system and print it once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the agenda system's name, e.g. 'eDoc dagsorden'")

    def handle(self, *args, name, **options):
        self.stdout.write(make_token(name))
