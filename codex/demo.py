"""Demo data for the code register: version 1 (2025) and the current version 2 (2026) for
politicians and employees, signatures of both (most politicians and leaders have signed
version 2, some only version 1, some never) and a few self-evaluations over time.

The duties are the Danish public sector's Kodex VII duties the seed report names; the
values are the demo municipality's own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organisation.models import Membership, Role

from . import services
from .models import CodePoint, CodeVersion, DilemmaCase

PREAMBLE_V1 = (
    "Politikere og medarbejdere i Bølgeby Kommune mødes for at lære af hinanden og gøre "
    "kerneopgaven bedre for borgerne. Kodekset beskriver de pligter og værdier, vi bygger "
    "mødet på, så begge parter kan gå åbent og trygt ind i dialogen.\n\n"
    "Kodekset gælder alle møder mellem byrådets udvalg og kommunens virksomheder: "
    "dialogmøder, udvalgsmøder på virksomhederne og politiske besøg."
)

PREAMBLE_V2 = (
    "Politikere og medarbejdere i Bølgeby Kommune mødes for at lære af hinanden og gøre "
    "kerneopgaven bedre for borgerne. Tillid kommer ikke af sig selv: den bygger på, at vi "
    "kender og holder de samme spilleregler. Kodekset samler de pligter, der gælder for hele "
    "den offentlige sektor (Kodex VII), og de værdier, vi selv har valgt i Bølgeby.\n\n"
    "Kodekset gælder alle møder mellem byrådets udvalg og kommunens virksomheder: "
    "dialogmøder, udvalgsmøder på virksomhederne og politiske besøg. Møderne er uden "
    "noget på spil – der træffes ikke beslutninger om budgetter eller enkeltsager.\n\n"
    "Vi underskriver kodekset ved hver ny version og ved starten af hver valgperiode."
)

DUTIES_V1 = [
    ("Sandhed", "Vi giver korrekte og fyldestgørende oplysninger, også når svaret er ubekvemt."),
    ("Faglighed", "Medarbejderne rådgiver på et fagligt grundlag; politikerne lytter til fagligheden."),
    ("Åbenhed om fejl", "Vi taler åbent om fejl, så vi kan lære af dem i stedet for at skjule dem."),
    ("Udvikling og samarbejde", "Vi bidrager til at udvikle opgaveløsningen og samarbejder på tværs."),
]

DUTIES_V2 = [
    (
        "Sandhed",
        "Vi giver hinanden korrekte og fyldestgørende oplysninger – også når svaret er ubekvemt, "
        "og også når det ikke passer ind i en politisk dagsorden.",
    ),
    (
        "Faglighed",
        "Medarbejderne rådgiver ud fra deres faglige viden og erfaring. Politikerne spørger ind og "
        "lytter til fagligheden, også når de til sidst vælger noget andet.",
    ),
    (
        "Åbenhed om fejl",
        "Fejl sker, hvor der arbejdes. Vi fortæller om dem i tide, så de kan rettes og læres af, og "
        "ingen medarbejder skal frygte at blive hængt ud for at have talt åbent.",
    ),
    (
        "Udvikling og samarbejde",
        "Vi bruger møderne til at udvikle opgaveløsningen sammen, deler gode erfaringer på tværs "
        "af virksomheder og udvalg og holder, hvad vi aftaler.",
    ),
]

VALUES = [
    ("Modig", "Vi tør stille de svære spørgsmål og sige vores mening, også når vi er uenige."),
    ("Tydelig", "Vi siger klart, hvad vi mener, hvad vi har besluttet, og hvem der gør hvad bagefter."),
    ("Kompetent", "Vi møder forberedte op og bruger hinandens viden og erfaring."),
    ("Med glæde", "Vi møder hinanden med nysgerrighed og respekt og fejrer det, der lykkes."),
]

DILEMMAS = [
    (
        "Et spørgsmål om en enkeltsag",
        "Under et besøg på et plejecenter spørger et udvalgsmedlem en medarbejder, hvorfor en "
        "bestemt borger ikke har fået mere hjælp.",
        "Enkeltsager hører ikke hjemme på mødet. Medarbejderen siger venligt, at hun ikke kan tale "
        "om den enkelte borger, og peger på den rette vej: en henvendelse til forvaltningen. "
        "Politikeren respekterer svaret – det er sandhed og faglighed i praksis.",
    ),
    (
        "En fejl, der endnu ikke er rettet",
        "På et dialogmøde opdager lederen, at tallene i virksomhedens oplæg om ventetider er forkerte.",
        "Lederen siger det med det samme og sender de rigtige tal bagefter. Udvalget takker for "
        "åbenheden i stedet for at skælde ud, så det også næste gang føles trygt at rette en fejl.",
    ),
    (
        "Uenighed om en prioritering",
        "En medarbejder er uenig i en politisk prioritering og spørger, om hun må sige det på mødet.",
        "Ja. Mødet er netop til for at høre fagligheden – også den kritiske. Medarbejderen giver sin "
        "faglige vurdering; politikerne lytter og træffer beslutningen et andet sted.",
    ),
]

PUBLISHED_V1 = dt.datetime(2025, 3, 3, 10, 0)
PUBLISHED_V2 = dt.datetime(2026, 2, 2, 10, 0)


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value)


def _version(*, number_title: str, audience: str, preamble: str, duties, dilemmas, author, published: dt.datetime):
    draft = services.version_create_draft(created_by=author, title=number_title, audience=audience, preamble=preamble)
    for position, (title, explanation) in enumerate(duties, 1):
        CodePoint.objects.create(
            version=draft, kind=CodePoint.Kind.DUTY, position=position, title=title, explanation=explanation
        )
    for position, (title, explanation) in enumerate(VALUES, 1):
        CodePoint.objects.create(
            version=draft, kind=CodePoint.Kind.VALUE, position=position, title=title, explanation=explanation
        )
    for position, (title, situation, discussion) in enumerate(dilemmas, 1):
        DilemmaCase.objects.create(
            version=draft, position=position, title=title, situation=situation, discussion=discussion
        )
    return services.version_publish(version=draft, published_by=author, now=_aware(published))


def load(context: dict, *, stdout=None) -> None:
    if CodeVersion.objects.exists():
        return
    rng = context["rng"]
    accounts = context["accounts"]
    admin = accounts["administrator"]

    v1 = _version(
        number_title="Kodeks for samspillet mellem politikere og medarbejdere",
        audience="both",
        preamble=PREAMBLE_V1,
        duties=DUTIES_V1,
        dilemmas=[],
        author=admin,
        published=PUBLISHED_V1,
    )
    people = {}
    for membership in Membership.objects.current().select_related("person"):
        people.setdefault(membership.person_id, (membership.person, set()))[1].add(membership.role)

    # Who signed what: politicians and leaders mostly version 2, some only 1, a few never.
    plan = {}
    for person_id, (_person, roles) in people.items():
        politician = bool(roles & {Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR})
        leader = bool(roles & {Role.WORKPLACE_LEADER, Role.CENTRE_HEAD, Role.DIRECTOR, Role.ADMINISTRATOR})
        draw = rng.random()
        if politician or leader:
            plan[person_id] = "v2" if draw < 0.78 else ("v1" if draw < 0.92 else "never")
        else:
            plan[person_id] = "v2" if draw < 0.5 else ("v1" if draw < 0.75 else "never")
    # The demo accounts show each state: the member has signed only version 1 (and sees
    # "sign again" with what changed since version 1, side by side), the employee never
    # signed; the others signed version 2.
    for role, account in accounts.items():
        plan[account.pk] = {"member": "v1", "employee": "never"}.get(role, "v2")

    v1_signers = [pid for pid, state in plan.items() if (state in ("v1", "v2") and rng.random() < 0.9) or state == "v1"]
    for index, person_id in enumerate(sorted(set(v1_signers))):
        person = people[person_id][0] if person_id in people else None
        if person is None:
            continue
        when = _aware(PUBLISHED_V1 + dt.timedelta(days=1 + index % 60, hours=index % 7))
        services.signature_create(person=person, version=v1, text_sha256=v1.text_sha256, consent=True, now=when)

    v2 = _version(
        number_title="Kodeks for samspillet mellem politikere og medarbejdere",
        audience="both",
        preamble=PREAMBLE_V2,
        duties=DUTIES_V2,
        dilemmas=DILEMMAS,
        author=admin,
        published=PUBLISHED_V2,
    )
    v2_signers = sorted(pid for pid, state in plan.items() if state == "v2" and pid in people)
    for index, person_id in enumerate(v2_signers):
        when = _aware(PUBLISHED_V2 + dt.timedelta(days=1 + index % 45, hours=index % 9))
        services.signature_create(
            person=people[person_id][0], version=v2, text_sha256=v2.text_sha256, consent=True, now=when
        )

    # One person who signed version 2 has since been erased at their request: the
    # register keeps the signature in the chain, counted as an anonymised one.
    account_ids = {account.pk for account in accounts.values()}
    erased = next((pid for pid in v2_signers if pid not in account_ids), None)
    if erased is not None:
        from accounts.privacy import person_erase

        person_erase(person=people[erased][0])

    # Self-evaluations over time: the children's committee and Egeskovskolen.
    points = list(v2.points.order_by("kind", "position"))
    committee = context["committees"]["born-og-unge"]
    school = context["workplaces"]["egeskovskolen"]
    notes = [
        "Vi vil blive bedre til at sige det højt, når vi er uenige.",
        "Fejl skal frem tidligere – vi indfører et fast punkt om læring på dialogmøderne.",
        "Godt på vej. Vi fortsætter med besøg på flere skoler.",
    ]
    for unit, submitter in ((committee, accounts["chair"]), (school, accounts["leader"])):
        for round_index, months_ago in enumerate((8, 5, 2)):
            base = 2 + round_index * 0.6
            scores = {
                (point.pk, key): max(1, min(5, round(base + rng.uniform(-0.8, 1.2))))
                for point in points
                for key in ("lived", "spoken")
            }
            services.evaluation_submit(
                version=v2,
                submitted_by=submitter,
                scores=scores,
                note=notes[round_index],
                now=timezone.now() - dt.timedelta(days=30 * months_ago),
                **({"committee": unit} if unit is committee else {"workplace": unit}),
            )
    # Today's anchor of the chain head, shown on the public code page (the beat task
    # anchor_chain_head also emails it to the data protection officer).
    services.chain_anchor()
    if stdout:
        stdout.write(
            f"  code versions 1 and 2, {len(v1_signers)} signatures of version 1, "
            f"{len(v2_signers)} of version 2 (one of them anonymised), 6 self-evaluations"
        )
