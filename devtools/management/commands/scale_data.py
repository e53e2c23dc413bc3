"""Build a Copenhagen-sized municipality for the benchmark (bench/README.md).

    python manage.py scale_data                # the full set (a large municipality)
    python manage.py scale_data --scale 0.1    # a tenth of every size

It loads the demo first (so every role has a login-capable demo account, password
``Samspil-demo-2026``) and then adds, with bulk inserts: workplaces, committees, people
with their roles, ten years of meetings with participants and locked minutes, visit
times, development agreements with goals and comments, stories, challenges with the
committee's answers, questions from committee members (most answered) and one signature per
person and published code version. The demo accounts take part in the generated
meetings, so their pages show scale-sized data.

Rows are written with the plain ``QuerySet.bulk_create``: generated history is not
anybody's action, so it leaves no audit trail (AuditedQuerySet would write one entry
per row and double the time). Signatures are appended to the existing hash chain in
Python, exactly as ``codex.services.signature_create`` computes each link, under the
chain-head lock; ``codex.services.chain_verify()`` finds the chain intact afterwards.
Run it on an empty (demo-only) database: it refuses to run twice.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

MARKER_SLUG = "skala-udvalg-0"
BATCH = 5000

DEFAULTS = {
    "workplaces": 2000,
    "committees": 60,
    "people": 60000,
    "meetings": 100000,
    "visit_times": 20000,
    "agreements": 10000,
    "stories": 100000,
    "signatures": 60000,
    "cases": 20000,
    "questions": 20000,
    "challenges": 10000,
}

FIRST = ["Anne", "Mette", "Jens", "Peter", "Lars", "Hanne", "Søren", "Kirsten", "Mads", "Ida", "Emil", "Freja"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen"]
STREETS = ["Nørregade", "Vestergade", "Østerbrogade", "Amagerbrogade", "Jagtvej", "Valby Langgade"]
LOREM = (
    "Vi har arbejdet med at give børnene flere timer udenfor, og forældrene har taget godt imod det. "
    "Personalet har planlagt ugerne sammen, og vi ser allerede færre konflikter i frikvartererne. "
)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._draw()

    def add(self, n: int) -> None:
        self.done += n
        self._draw()

    def _draw(self) -> None:
        share = min(1.0, self.done / self.total)
        bar = "#" * int(share * 30)
        self.stream.write(f"\r{self.label:<24} [{bar:<30}] {self.done:>8}/{self.total:<8}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write(f"  {time.monotonic() - self.started:6.1f} s\n")
        self.stream.flush()


def bulk(model, objs, progress: Progress | None = None, batch: int = BATCH) -> list:
    """Insert `objs` in batches without the audit trail (see the module docstring)."""
    objs = list(objs)
    created = []
    for start in range(0, len(objs), batch):
        chunk = models.QuerySet(model=model).bulk_create(objs[start : start + batch])
        created.extend(chunk)
        if progress:
            progress.add(len(chunk))
    return created


class Command(BaseCommand):
    help = "Build the scale data set for bench/ (sizes as options; --scale multiplies them all)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every size (0.1 for a quick run).")
        for name, value in DEFAULTS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=None, help=f"default {value}")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--without-demo", action="store_true", help="Skip the demo (no login accounts): for the smoke test."
        )

    def handle(self, *args, scale: float, seed: int, without_demo: bool = False, **options):
        from organisation.models import Committee

        sizes = {
            name: options[name] if options[name] is not None else max(1, int(value * scale))
            for name, value in DEFAULTS.items()
        }
        sizes["committees"] = max(2, sizes["committees"])
        sizes["workplaces"] = max(2, sizes["workplaces"])
        # Every workplace needs a leader, and each committee eleven politicians.
        sizes["people"] = max(sizes["people"], 2 * sizes["workplaces"] + 11 * sizes["committees"] + 40)
        if Committee.objects.filter(slug=MARKER_SLUG).exists():
            raise CommandError("Scale data is already loaded; use a fresh database.")
        started = time.monotonic()
        if not without_demo:
            call_command("demo", stdout=self.stdout)
        # Repeatable benchmark data, not security.
        rng = random.Random(seed)  # nosec B311
        with transaction.atomic():
            Builder(rng, sizes, self.stderr._out).run()
        if connection.vendor == "postgresql":
            # Fresh statistics: without them (autovacuum off, or not yet run) the planner
            # guesses a few rows where there are thousands and picks nested loops that
            # took the coverage dashboard from 1 s to 9 s here. VACUUM too, as autovacuum
            # would in production: a count over a partial index (stories waiting for a
            # leader) is an index-only scan only once the visibility map is set.
            # (VACUUM cannot run in a transaction: a test's, say; ANALYZE alone then.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Scale data loaded in {time.monotonic() - started:.0f} s: {sizes}"))


class Builder:
    def __init__(self, rng: random.Random, sizes: dict, stream):
        self.rng, self.sizes, self.stream = rng, sizes, stream
        self.now = timezone.now()
        self.today = timezone.localdate()

    def progress(self, label: str, total: int) -> Progress:
        return Progress(label, total, self.stream)

    def run(self) -> None:
        self.organisation()
        self.meetings()
        self.visit_times()
        self.agreements()
        self.stories()
        self.challenges()
        self.questions()
        self.signatures()
        self.committee_cases()

    def committee_cases(self) -> None:
        from cases.scale import build_cases

        build_cases(self)

    # --- Organisation -------------------------------------------------------------------

    def organisation(self) -> None:
        from organisation.models import Centre, Committee, Membership, Role, Workplace, WorkplaceKind

        rng, s = self.rng, self.sizes
        User = get_user_model()
        self.demo = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@samspil.example")}
        p = self.progress("organisation", s["committees"] + s["workplaces"] + 2 * s["people"])
        self.committees = bulk(
            Committee,
            [Committee(name=f"Skala-udvalg {i}", slug=f"skala-udvalg-{i}") for i in range(s["committees"])],
            p,
        )
        n_centres = max(2, s["workplaces"] // 100)
        centres = bulk(Centre, [Centre(name=f"Skala-center {i}", slug=f"skala-center-{i}") for i in range(n_centres)])
        kinds = list(WorkplaceKind.objects.all()) or [WorkplaceKind.objects.create(slug="skole", name="Skole")]
        self.workplaces = bulk(
            Workplace,
            [
                Workplace(
                    name=f"{rng.choice(kinds).name} {rng.choice(STREETS)} {i}",
                    slug=f"skala-{i:05d}",
                    kind=rng.choice(kinds),
                    centre=centres[i % n_centres],
                    address=f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
                    postcode=str(rng.randint(1000, 2500)),
                    city="København",
                    description=LOREM,
                )
                for i in range(s["workplaces"])
            ],
            p,
        )
        Through = Workplace.committees.through
        bulk(
            Through,
            [
                Through(workplace_id=w.pk, committee_id=self.committees[i % len(self.committees)].pk)
                for i, w in enumerate(self.workplaces)
            ],
        )
        self.people = bulk(
            User,
            [
                User(
                    email=f"p{i}@skala.example",
                    full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                    password=UNUSABLE_PASSWORD_PREFIX,
                    date_joined=self.now,
                )
                for i in range(s["people"])
            ],
            p,
        )
        start = dt.date(2016, 1, 1)
        memberships = []
        people = iter(self.people)
        # Eleven politicians per committee, the first one its chair.
        self.politicians: dict[int, list] = {}
        for committee in self.committees:
            group = [next(people) for _ in range(11)]
            self.politicians[committee.pk] = group
            for j, person in enumerate(group):
                role = Role.COMMITTEE_CHAIR if j == 0 else Role.COMMITTEE_MEMBER
                memberships.append(Membership(person=person, role=role, committee=committee, starts_on=start))
        for centre in centres:
            memberships.append(Membership(person=next(people), role=Role.CENTRE_HEAD, centre=centre, starts_on=start))
        # One leader per workplace; everyone else is an employee somewhere, some union reps.
        self.leaders: dict[int, object] = {}
        for workplace in self.workplaces:
            leader = next(people)
            self.leaders[workplace.pk] = leader
            memberships.append(
                Membership(person=leader, role=Role.WORKPLACE_LEADER, workplace=workplace, starts_on=start)
            )
        self.employees: dict[int, list] = {}
        for i, person in enumerate(people):
            workplace = self.workplaces[i % len(self.workplaces)]
            self.employees.setdefault(workplace.pk, []).append(person)
            memberships.append(Membership(person=person, role=Role.EMPLOYEE, workplace=workplace, starts_on=start))
            if i < len(self.workplaces):
                memberships.append(Membership(person=person, role=Role.UNION_REP, workplace=workplace, starts_on=start))
        bulk(Membership, memberships, p)
        p.close()

    # --- Meetings -----------------------------------------------------------------------

    def meetings(self) -> None:
        from meetings.kinds import ensure_meeting_kinds
        from meetings.models import Meeting, MeetingKind, Minutes, MinutesVersion, Participant

        rng, s = self.rng, self.sizes
        ensure_meeting_kinds()
        kinds = list(MeetingKind.objects.all())
        total = s["meetings"]
        p = self.progress("meetings", total * 6)
        first_day = self.now - dt.timedelta(days=9 * 365)
        span_minutes = 10 * 365 * 24 * 60
        demo_politicians = [u for k, u in self.demo.items() if k in ("formand", "medlem")]
        demo_leader = self.demo.get("leder")
        for start in range(0, total, BATCH):
            rows, plan = [], []
            for _ in range(min(BATCH, total - start)):
                committee = rng.choice(self.committees)
                host = rng.choice(self.workplaces)
                starts = first_day + dt.timedelta(minutes=rng.randrange(0, span_minutes, 30))
                starts = starts.replace(hour=rng.randint(7, 15), minute=0, second=0, microsecond=0)
                past = starts < self.now
                organiser = rng.choice(self.politicians[committee.pk])
                rows.append(
                    Meeting(
                        kind=rng.choice(kinds),
                        title=f"Besøg hos {host.name}",
                        committee=committee,
                        host=host,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=2),
                        purpose=LOREM[:120],
                        status=Meeting.Status.HELD if past else Meeting.Status.PLANNED,
                        held_at=starts + dt.timedelta(hours=2) if past else None,
                        organiser=organiser,
                        created_at=starts - dt.timedelta(days=30),
                    )
                )
                guests = {organiser.pk: Participant.MeetingRole.ORGANISER}
                other = rng.choice(self.politicians[committee.pk])
                guests.setdefault(other.pk, Participant.MeetingRole.POLITICIAN)
                guests.setdefault(self.leaders[host.pk].pk, Participant.MeetingRole.HOST)
                # The demo politicians sit in about one meeting in a hundred, the demo
                # leader hosts one in two hundred: their pages show a long history.
                if demo_politicians and rng.random() < 0.01:
                    guests.setdefault(rng.choice(demo_politicians).pk, Participant.MeetingRole.POLITICIAN)
                if demo_leader and rng.random() < 0.005:
                    guests.setdefault(demo_leader.pk, Participant.MeetingRole.HOST)
                plan.append((guests, past, organiser))
            meetings = bulk(Meeting, rows, p)
            participants, minutes = [], []
            for meeting, (guests, past, organiser) in zip(meetings, plan, strict=True):
                for person_id, role in guests.items():
                    participants.append(
                        Participant(
                            meeting=meeting,
                            person_id=person_id,
                            role=role,
                            response=Participant.Response.YES,
                            responded_at=meeting.created_at,
                            invited_at=meeting.created_at,
                        )
                    )
                if past:
                    minutes.append(
                        Minutes(
                            meeting=meeting,
                            status=Minutes.Status.LOCKED,
                            text=LOREM,
                            version=1,
                            locked_at=meeting.ends_at + dt.timedelta(days=3),
                            locked_by=organiser,
                            updated_at=meeting.ends_at + dt.timedelta(days=3),
                        )
                    )
            bulk(Participant, participants, p)
            minutes = bulk(Minutes, minutes, p)
            bulk(
                MinutesVersion,
                [
                    MinutesVersion(
                        minutes=m, number=1, status=m.status, text=m.text, author=m.locked_by, created_at=m.locked_at
                    )
                    for m in minutes
                ],
                p,
            )
        p.close()

    def visit_times(self) -> None:
        from meetings.models import VisitSlot

        rng, s = self.rng, self.sizes
        p = self.progress("visit times", s["visit_times"])
        rows = []
        for _ in range(s["visit_times"]):
            workplace = rng.choice(self.workplaces)
            starts = (self.now + dt.timedelta(days=rng.randint(3, 365))).replace(
                hour=rng.randint(8, 14), minute=0, second=0, microsecond=0
            )
            rows.append(
                VisitSlot(
                    workplace=workplace,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1),
                    capacity=rng.randint(1, 3),
                    note="Kom og se vores værksted.",
                    created_by=self.leaders[workplace.pk],
                )
            )
        bulk(VisitSlot, rows, p)
        p.close()

    # --- Agreements ---------------------------------------------------------------------

    def agreements(self) -> None:
        from agreements.models import Agreement, AgreementTemplate, Goal, GoalComment

        rng, s = self.rng, self.sizes
        total = s["agreements"]
        periods = max(1, -(-total // len(self.workplaces)))
        p = self.progress("agreements", total * 7)
        templates = []
        for k in range(periods):
            year = self.today.year - periods + 1 + k
            template = AgreementTemplate.objects.create(
                title=f"Skala-aftaler {year}",
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                is_published=True,
                published_at=self.now,
            )
            template.committees.set(self.committees)
            templates.append(template)
        rows = []
        for k, template in enumerate(templates):
            current = k == len(templates) - 1
            for workplace in self.workplaces:
                if len(rows) >= total:
                    break
                rows.append(
                    Agreement(
                        workplace=workplace,
                        template=template,
                        status=Agreement.Status.DRAFT if current else Agreement.Status.ARCHIVED,
                        introduction=LOREM,
                        created_by=self.leaders[workplace.pk],
                    )
                )
        agreements = bulk(Agreement, rows, p)
        goals = bulk(
            Goal,
            [
                Goal(
                    agreement=a,
                    title=f"Mål {n + 1}: flere timer udenfor",
                    why=LOREM[:150],
                    success="Børnene er ude hver dag.",
                    indicator_name="Timer udenfor pr. uge",
                    indicator_baseline="4",
                    indicator_target="8",
                    order=n,
                )
                for a in agreements
                for n in range(3)
            ],
            p,
        )
        leaders_by_agreement = {a.pk: self.leaders[a.workplace_id] for a in agreements}
        politicians = [person for group in self.politicians.values() for person in group]
        bulk(
            GoalComment,
            [
                GoalComment(
                    goal=g,
                    author=rng.choice(politicians) if n else leaders_by_agreement[g.agreement_id],
                    text="Godt mål. Hvordan måler I det?",
                )
                for g in goals
                for n in range(1)
            ],
            p,
        )
        p.add(total * 7 - p.done)
        p.close()

    # --- Stories ------------------------------------------------------------------------

    def stories(self) -> None:
        from stories.models import Story, Theme

        rng, s = self.rng, self.sizes
        p = self.progress("stories", s["stories"] * 2)
        themes = list(Theme.objects.all())
        rows = []
        for i in range(s["stories"]):
            workplace = rng.choice(self.workplaces)
            published = rng.random() < 0.8
            when = self.now - dt.timedelta(minutes=rng.randint(60, 5 * 365 * 24 * 60))
            rows.append(
                Story(
                    workplace=workplace,
                    author=rng.choice(self.employees.get(workplace.pk) or [self.leaders[workplace.pk]]),
                    title=f"Historie {i}: en god dag i {workplace.name}"[:160],
                    summary=LOREM[:200],
                    body=LOREM * 3,
                    status=Story.Status.PUBLISHED if published else Story.Status.SUBMITTED,
                    visibility=Story.Visibility.PUBLIC if rng.random() < 0.3 else Story.Visibility.INTERNAL,
                    created_at=when,
                    updated_at=when,
                    published_at=when if published else None,
                    published_by=self.leaders[workplace.pk] if published else None,
                )
            )
        stories = bulk(Story, rows, p)
        if themes:
            Through = Story.themes.through
            bulk(Through, [Through(story_id=story.pk, theme_id=rng.choice(themes).pk) for story in stories], p)
        p.close()

    def challenges(self) -> None:
        """Challenges told by the workplaces (stories.Story, kind challenge): most sent to the
        committee, half of those answered by one of its politicians."""
        from stories.models import ChallengeReply, Story

        rng, s = self.rng, self.sizes
        p = self.progress("challenges", s["challenges"] * 2)
        rows = []
        for i in range(s["challenges"]):
            index = rng.randrange(len(self.workplaces))
            workplace = self.workplaces[index]
            sent = rng.random() < 0.8
            when = self.now - dt.timedelta(minutes=rng.randint(60, 5 * 365 * 24 * 60))
            rows.append(
                Story(
                    kind=Story.Kind.CHALLENGE,
                    workplace=workplace,
                    author=rng.choice(self.employees.get(workplace.pk) or [self.leaders[workplace.pk]]),
                    title=f"Udfordring {i}: for få hænder i {workplace.name}"[:160],
                    summary=LOREM[:200],
                    body=LOREM * 2,
                    tried=LOREM,
                    would_help=LOREM[:150],
                    status=Story.Status.PUBLISHED if sent else Story.Status.SUBMITTED,
                    created_at=when,
                    updated_at=when,
                    published_at=when if sent else None,
                    published_by=self.leaders[workplace.pk] if sent else None,
                )
            )
        challenges = bulk(Story, rows, p)
        committee_of = {w.pk: self.committees[i % len(self.committees)] for i, w in enumerate(self.workplaces)}
        replies = [
            ChallengeReply(
                story_id=challenge.pk,
                author=rng.choice(self.politicians[committee_of[challenge.workplace_id].pk]),
                text="Tak. Vi vil gerne høre mere ved et besøg.",
                wants_visit=rng.random() < 0.5,
                created_at=challenge.published_at + dt.timedelta(days=rng.randint(1, 20)),
            )
            for challenge in challenges
            if challenge.published_at is not None and rng.random() < 0.5
        ]
        bulk(ChallengeReply, replies, p)
        p.close()

    def questions(self) -> None:
        """Questions from committee members to the workplaces their committee is responsible
        for (questions.Question), over the last two years: most answered."""
        import uuid

        from questions.models import Question

        rng, s = self.rng, self.sizes
        p = self.progress("questions", s["questions"])
        by_committee: dict[int, list] = {}
        for i, workplace in enumerate(self.workplaces):
            by_committee.setdefault(self.committees[i % len(self.committees)].pk, []).append(workplace)
        buckets = 30  # asked_at is auto_now_add: spread afterwards, one UPDATE per bucket
        rows = []
        for i in range(s["questions"]):
            committee = self.committees[i % len(self.committees)]
            workplace = rng.choice(by_committee.get(committee.pk) or self.workplaces)
            asked = self.now - dt.timedelta(days=(i % buckets) * 24)
            answered = rng.random() < 0.7
            leader = self.leaders[workplace.pk]
            rows.append(
                Question(
                    asker=rng.choice(self.politicians[committee.pk]),
                    committee=committee,
                    workplace=workplace,
                    group=uuid.UUID(int=rng.getrandbits(128)),
                    text=f"Spørgsmål {i}: hvordan går det med {workplace.name}s morgenåbning? " + LOREM[:120],
                    not_about_a_person=True,
                    status=Question.Status.ANSWERED if answered else Question.Status.OPEN,
                    deadline=(asked + dt.timedelta(days=14)).date(),
                    answer=LOREM[:300] if answered else "",
                    answered_by=leader if answered else None,
                    answered_at=asked + dt.timedelta(days=rng.randint(1, 20)) if answered else None,
                )
            )
        questions = bulk(Question, rows, p)
        for bucket in range(buckets):
            Question.objects.filter(pk__in=[q.pk for q in questions[bucket::buckets]]).update(
                asked_at=self.now - dt.timedelta(days=bucket * 24)
            )
        p.close()

    # --- Code of conduct signatures ------------------------------------------------------

    def signatures(self) -> None:
        """One signature per person and published version, appended to the hash chain."""
        from codex.models import Audience, ChainHead, CodeVersion, Signature, SignatureIdentity
        from codex.services import _locked_chain_head
        from organisation.models import ElectoralTerm

        per_version = self.sizes["signatures"]
        versions = list(CodeVersion.objects.published().order_by("number"))
        p = self.progress("signatures", per_version * len(versions))
        politician_ids = {person.pk for group in self.politicians.values() for person in group}
        term = ElectoralTerm.current(self.today)
        head = _locked_chain_head()
        sequence, previous = head.last_sequence, head.last_hash
        signed_before = set(Signature.objects.values_list("person_id", "version_id", "term_id"))
        for version in versions:
            if version.audience == Audience.POLITICIANS:
                signers = [x for x in self.people if x.pk in politician_ids]
            elif version.audience == Audience.EMPLOYEES:
                signers = [x for x in self.people if x.pk not in politician_ids]
            else:
                signers = self.people
            rows, identities = [], []
            signed_at = max(version.published_at, self.now - dt.timedelta(days=30))
            for person in signers[:per_version]:
                is_politician = person.pk in politician_ids
                term_id = term.pk if is_politician and term else 0
                if (person.pk, version.pk, term_id) in signed_before:
                    continue
                sequence += 1
                identity = SignatureIdentity(
                    salt=SignatureIdentity.new_salt(),
                    person_name=person.full_name,
                    person_email=person.email,
                    roles=[{"role": "committee_member" if is_politician else "employee", "unit": ""}],
                )
                signature = Signature(
                    sequence=sequence,
                    person=person,
                    version=version,
                    signed_at=signed_at,
                    signer_digest=identity.compute_digest(),
                    text_sha256=version.text_sha256,
                    term_id=term_id,
                    previous_hash=previous,
                )
                signature.hash = previous = signature.compute_hash()
                rows.append(signature)
                identities.append(identity)
            bulk(Signature, rows, p)
            # bulk_create sets the primary keys on PostgreSQL and SQLite alike.
            for signature, identity in zip(rows, identities, strict=True):
                identity.signature_id = signature.pk
            bulk(SignatureIdentity, identities)
        ChainHead.objects.filter(pk=1).update(last_sequence=sequence, last_hash=previous)
        p.close()
