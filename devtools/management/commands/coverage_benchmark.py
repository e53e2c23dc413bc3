"""Build a large municipality (default 2,000 workplaces, 100,000 meetings) with
bulk_create and time the coverage dashboard on it.

    python manage.py coverage_benchmark --workplaces 2000 --meetings 100000

Meant for PostgreSQL and an empty database (it adds rows and does not remove them);
tests/coverage/test_benchmark.py runs the same builder in a test database.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def build(*, workplaces: int, meetings: int, seed: int = 2026) -> dict:
    from meetings.kinds import ensure_meeting_kinds
    from meetings.models import Meeting, MeetingKind, Participant
    from organisation.models import Centre, Committee, Membership, Role, Workplace, WorkplaceKind

    # Repeatable benchmark data, not security.
    rng = random.Random(seed)  # nosec B311
    User = get_user_model()
    ensure_meeting_kinds()
    kinds = list(MeetingKind.objects.all())
    wkind, _ = WorkplaceKind.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    committees = Committee.objects.bulk_create(
        [Committee(name=f"Bench-udvalg {i}", slug=f"bench-udvalg-{i}") for i in range(10)]
    )
    centres = Centre.objects.bulk_create(
        [Centre(name=f"Bench-center {i}", slug=f"bench-center-{i}") for i in range(10)]
    )
    places = Workplace.objects.bulk_create(
        [
            Workplace(name=f"Bench {i:05d}", slug=f"bench-{i:05d}", kind=wkind, centre=centres[i % 10])
            for i in range(workplaces)
        ],
        batch_size=2000,
    )
    Through = Workplace.committees.through
    Through.objects.bulk_create(
        [Through(workplace_id=p.pk, committee_id=committees[i % 10].pk) for i, p in enumerate(places)], batch_size=5000
    )
    people = User.objects.bulk_create(
        [
            User(email=f"bench{i}@bench.example", full_name=f"Bench {i}", password=UNUSABLE_PASSWORD_PREFIX)
            for i in range(100)
        ]
    )
    start = timezone.localdate() - dt.timedelta(days=4 * 365)
    Membership.objects.bulk_create(
        [
            Membership(person=p, role=Role.COMMITTEE_MEMBER, committee=committees[i % 10], starts_on=start)
            for i, p in enumerate(people)
        ]
    )
    now = timezone.now()
    # Skewed: a few workplaces get most meetings, many few, some none.
    weights = [rng.paretovariate(1.2) if rng.random() > 0.15 else 0 for _ in places]
    hosts = rng.choices(places, weights=weights, k=meetings)
    statuses = ["held"] * 7 + ["confirmed", "planned", "cancelled"]
    batch = []
    for i, host in enumerate(hosts):
        starts = now - dt.timedelta(minutes=rng.randrange(10, 4 * 365 * 24 * 60))
        batch.append(
            Meeting(
                kind=kinds[i % len(kinds)],
                title="Bench",
                host=host,
                committee=committees[i % 10] if i % 2 else None,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                status=rng.choice(statuses),
            )
        )
    created = Meeting.objects.bulk_create(batch, batch_size=5000)
    MW = Meeting.workplaces.through
    MW.objects.bulk_create(
        [MW(meeting_id=m.pk, workplace_id=rng.choice(places).pk) for m in created[::5]], batch_size=5000
    )
    Participant.objects.bulk_create(
        [
            Participant(meeting_id=m.pk, person_id=people[i % 100].pk, role="politician", response="yes")
            for i, m in enumerate(created)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return {"committee": committees[0]}


def time_dashboard(client: Client, url: str, repeat: int = 3) -> tuple[float, int]:
    """The best of `repeat` runs in seconds, and the queries of one run."""
    client.get(url)
    best = float("inf")
    queries = 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - began)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        queries = len(captured.captured_queries)
    return best, queries


class Command(BaseCommand):
    help = "Build a large municipality with bulk_create and time the coverage dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--workplaces", type=int, default=2000)
        parser.add_argument("--meetings", type=int, default=100_000)

    def handle(self, *args, workplaces: int, meetings: int, **options):
        from organisation.models import Committee, Membership, Role

        existing = Committee.objects.filter(slug="bench-udvalg-0").first()
        if existing is not None:
            self.stdout.write("reusing the benchmark data already built")
            made = {"committee": existing}
        else:
            began = time.perf_counter()
            made = build(workplaces=workplaces, meetings=meetings)
            seconds = time.perf_counter() - began
            self.stdout.write(f"built {workplaces} workplaces, {meetings} meetings in {seconds:.1f} s")
        admin, created = get_user_model().objects.get_or_create(
            email="bench-admin@bench.example", defaults={"full_name": "Bench Admin"}
        )
        if created:
            Membership.objects.create(person=admin, role=Role.ADMINISTRATOR, starts_on=dt.date(2020, 1, 1))
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(admin)
        for label, url in [
            ("dashboard, last 12 months", "/daekning/"),
            ("dashboard, one committee", f"/daekning/?committee={made['committee'].slug}"),
            ("dashboard, sorted by contacts, page 5", "/daekning/?sort=-total&page=5"),
            ("CSV export, all rows", "/daekning/eksport.csv"),
            ("rotation plan, one committee", f"/daekning/planlaeg/{made['committee'].slug}/"),
        ]:
            seconds, queries = time_dashboard(client, url)
            self.stdout.write(f"{label}: {seconds * 1000:.0f} ms, {queries} queries")
