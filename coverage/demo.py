"""Demo coverage: uneven contact between politicians and workplaces, so the dashboard
shows what the seed report found — some workplaces met two or three times a year,
others never, and a bunch of meetings in the months before the 2025 election.

The meetings demo (meetings/demo.py, loaded before this one) may already hold past
meetings; this adds a history of held meetings only where there is little, so loading
both never doubles the picture.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.text import slugify

from organisation.models import COMMITTEE_ROLES, Membership

ELECTION = dt.date(2025, 11, 18)
# Workplaces that never get contact: the gaps the dashboard must show.
NEVER_NAMES = [
    "Bakkely Skole",
    "Vestre Skole",
    "Børnehuset Lærken",
    "Troldehøjen",
    "Plejecenter Solhøj",
    "Genbrugspladsen",
]
# Workplaces the committees visit often.
FAVOURITE_NAMES = [
    "Egeskovskolen",
    "Havbakkeskolen",
    "Plejecenter Lindegården",
    "Jobcenter Bølgeby",
    "Hovedbiblioteket",
]
NEVER = {slugify(name) for name in NEVER_NAMES}
FAVOURITES = {slugify(name) for name in FAVOURITE_NAMES}


def load(context: dict, *, stdout=None) -> None:
    from meetings.kinds import kind
    from meetings.models import Meeting, Participant

    today = timezone.localdate()
    if (
        Meeting.objects.filter(status=Meeting.Status.HELD, starts_at__date__gte=today - dt.timedelta(days=730)).count()
        > 40
    ):
        if stdout:
            stdout.write("  coverage: the meetings demo already holds a history of held meetings")
        return
    rng = context["rng"]
    workplaces = context["workplaces"]
    admin = context["accounts"]["administrator"]
    kinds = {slug: kind(slug) for slug in ("dialogue", "committee-at-workplace", "visit")}
    politicians: dict[int, list] = {}
    for membership in Membership.objects.filter(role__in=[r.value for r in COMMITTEE_ROLES]).select_related("person"):
        politicians.setdefault(membership.committee_id, []).append(membership)
    tz = timezone.get_current_timezone()
    created = 0
    start = dt.date(2022, 2, 1)
    for slug, workplace in sorted(workplaces.items()):
        if slug in NEVER:
            continue
        committees = list(workplace.committees.all())
        if not committees:
            continue
        # Contacts a year: favourites 3, most 1, some hardly ever.
        rate = 3.0 if slug in FAVOURITES else rng.choice([0.3, 0.6, 1.0, 1.0, 1.5])
        day = start + dt.timedelta(days=rng.randrange(120))
        while day < today - dt.timedelta(days=3):
            # Before an election, more contact: the bunching the heat map should reveal.
            busy = ELECTION - dt.timedelta(days=180) <= day <= ELECTION
            gap = 365 / (rate * (2.5 if busy else 1.0))
            day += dt.timedelta(days=max(14, int(rng.gauss(gap, gap / 3))))
            if day >= today - dt.timedelta(days=2):
                break
            committee = rng.choice(committees)
            slug_kind = rng.choice(["visit", "visit", "dialogue", "committee-at-workplace"])
            starts = dt.datetime.combine(day, dt.time(9 + rng.randrange(6)), tzinfo=tz)
            meeting = Meeting.objects.create(
                kind=kinds[slug_kind],
                title=f"{kinds[slug_kind].name}: {workplace.name}",
                committee=None if slug_kind == "visit" else committee,
                host=workplace,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                organiser=admin,
                status=Meeting.Status.HELD,
                held_at=starts + dt.timedelta(hours=3),
                nothing_at_stake=True,
            )
            if slug_kind == "dialogue" and rng.random() < 0.5:
                others = [w for w in workplaces.values() if w.pk != workplace.pk and w.slug not in NEVER]
                meeting.workplaces.set(rng.sample(others, 2))
            present = [
                m.person
                for m in politicians.get(committee.pk, [])
                if m.starts_on <= day and (m.ends_on is None or m.ends_on >= day)
            ]
            chosen = rng.sample(present, min(len(present), 1 if slug_kind == "visit" else 4)) if present else []
            Participant.objects.bulk_create(
                [
                    Participant(meeting=meeting, person=person, role=Participant.MeetingRole.POLITICIAN, response="yes")
                    for person in chosen
                ]
            )
            created += 1
    if stdout:
        stdout.write(f"  coverage: {created} held meetings since 2022, unevenly spread")
