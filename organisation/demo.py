"""The demo municipality, Bølgeby Kommune: modelled on the seed report's structure
(standing committees, centres, schools, daycare, care centres, a job centre, a language
centre, …) with fictional workplaces and people. The real people named in the report
never appear here."""

from __future__ import annotations

import datetime as dt
import random
from importlib import import_module

from django.contrib.auth import get_user_model

from .models import Centre, Committee, ElectoralTerm, Membership, Role, Workplace, WorkplaceKind
from .slugs import danish_slugify

User = get_user_model()

# Documented demo password, demo data only.
DEMO_PASSWORD = "Samspil-demo-2026"  # nosec B105
DEMO_MARKER_SLUG = "born-og-unge"
DEMO_DOMAIN = "samspil.example"

# One account per role, documented in README.md.
DEMO_ACCOUNTS = {
    "administrator": ("admin@samspil.example", "Sofie Lund", "Sekretariatsmedarbejder"),
    "chair": ("formand@samspil.example", "Jens Mikkelsen", "Udvalgsformand"),
    "member": ("medlem@samspil.example", "Camilla Nørgaard", "Byrådsmedlem"),
    "leader": ("leder@samspil.example", "Lars Østergaard", "Skoleleder"),
    "employee": ("medarbejder@samspil.example", "Amalie Dahl", "Lærer og TR-suppleant"),
    "med_contact": ("med@samspil.example", "Rasmus Holm", "Pædagog og MED-kontakt"),
    "centre_head": ("centerchef@samspil.example", "Helle Brandt", "Centerchef for Skoler"),
    "director": ("direktor@samspil.example", "Morten Skov", "Børne- og ungedirektør"),
}

# People the seed report names; never reuse them (checked below).
_REAL_NAMES = {
    "tina hammer darko",
    "margot hansen",
    "henrik hallig",
    "benjamin ejlertsen",
    "anders kaae",
    "henrik graae",
    "per kensø",
    "flemming kortsen",
    "vibeke dømler beske",
    "per hansen berg",
    "dorte jensen",
    "ole kristensen",
    "vini lindhardt",
}

COMMITTEES = [
    (
        "Børne- og Ungeudvalget",
        "BUU",
        "born-og-unge",
        "Skoler, dagtilbud, ungdomsskole og indsatser for børn og familier.",
    ),
    ("Ældre- og Sundhedsudvalget", "ÆSU", "aeldre-og-sundhed", "Plejecentre, hjemmepleje, sygepleje og forebyggelse."),
    (
        "Beskæftigelses- og Integrationsudvalget",
        "BIU",
        "beskaeftigelse-og-integration",
        "Jobcenter, ungeindsats og sprogcenter.",
    ),
    ("Socialudvalget", "SOU", "social", "Botilbud, værested og støtte til voksne med handicap."),
    ("Kultur- og Fritidsudvalget", "KFU", "kultur-og-fritid", "Biblioteker, musikskole, idræt og foreninger."),
    ("Teknik- og Miljøudvalget", "TMU", "teknik-og-miljo", "Veje, parker, affald og natur."),
]

CENTRES = [
    ("Center for Skoler", "skoler"),
    ("Center for Dagtilbud", "dagtilbud"),
    ("Center for Børn og Familie", "born-og-familie"),
    ("Center for Sundhed og Ældre", "sundhed-og-aeldre"),
    ("Center for Arbejdsmarked og Integration", "arbejdsmarked-og-integration"),
    ("Center for Handicap og Psykiatri", "handicap-og-psykiatri"),
    ("Center for Kultur og Fritid", "kultur-og-fritid"),
    ("Center for Teknik og Miljø", "teknik-og-miljo"),
]

# name, kind, centre slug, committee slugs, street
WORKPLACES = [
    ("Egeskovskolen", "skole", "skoler", ["born-og-unge"], "Egeskovvej 12"),
    ("Havbakkeskolen", "skole", "skoler", ["born-og-unge"], "Havbakken 3"),
    ("Lyngtoftskolen", "skole", "skoler", ["born-og-unge"], "Lyngtoften 40"),
    ("Nørre Enge Skole", "skole", "skoler", ["born-og-unge"], "Engvej 1"),
    ("Fjordskolen", "skole", "skoler", ["born-og-unge"], "Fjordgade 22"),
    ("Bakkely Skole", "skole", "skoler", ["born-og-unge"], "Bakkelyvej 9"),
    ("Strandvejsskolen", "skole", "skoler", ["born-og-unge"], "Strandvejen 101"),
    ("Møllehøj Skole", "skole", "skoler", ["born-og-unge"], "Møllehøjvej 5"),
    ("Kirkebjerg Skole", "skole", "skoler", ["born-og-unge"], "Kirkebjergvej 2"),
    ("Vestre Skole", "skole", "skoler", ["born-og-unge"], "Vestergade 60"),
    ("Børnehuset Solsikken", "dagtilbud", "dagtilbud", ["born-og-unge"], "Solsikkevej 4"),
    ("Vuggestuen Mælkebøtten", "dagtilbud", "dagtilbud", ["born-og-unge"], "Mælkebøttevej 7"),
    ("Skovhytten Naturbørnehave", "dagtilbud", "dagtilbud", ["born-og-unge"], "Skovbrynet 15"),
    ("Børnehuset Regnbuen", "dagtilbud", "dagtilbud", ["born-og-unge"], "Regnbuevej 2"),
    ("Daginstitution Kastanjen", "dagtilbud", "dagtilbud", ["born-og-unge"], "Kastanjealle 18"),
    ("Børnehuset Havørnen", "dagtilbud", "dagtilbud", ["born-og-unge"], "Havørnevej 30"),
    ("Troldehøjen", "dagtilbud", "dagtilbud", ["born-og-unge"], "Troldhøj 1"),
    ("Børnehuset Lærken", "dagtilbud", "dagtilbud", ["born-og-unge"], "Lærkevej 11"),
    ("Familiehuset", "familie", "born-og-familie", ["born-og-unge", "social"], "Torvet 8"),
    ("PPR – Pædagogisk Psykologisk Rådgivning", "familie", "born-og-familie", ["born-og-unge"], "Rådhuspladsen 1"),
    ("Ungdomsskolen", "ungdom", "born-og-familie", ["born-og-unge", "kultur-og-fritid"], "Ungdomsvej 3"),
    ("Klubben Kraftværket", "ungdom", "born-og-familie", ["born-og-unge"], "Værkstedsvej 14"),
    ("Plejecenter Lindegården", "plejecenter", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Lindevej 20"),
    ("Plejecenter Æblehaven", "plejecenter", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Æblehaven 1"),
    ("Plejecenter Strandparken", "plejecenter", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Strandparken 6"),
    ("Plejecenter Bøgely", "plejecenter", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Bøgevej 33"),
    ("Plejecenter Solhøj", "plejecenter", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Solhøjvej 2"),
    ("Hjemmeplejen Nord", "hjemmepleje", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Nordre Ringvej 50"),
    ("Hjemmeplejen Syd", "hjemmepleje", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Søndre Ringvej 12"),
    ("Sygeplejen", "hjemmepleje", "sundhed-og-aeldre", ["aeldre-og-sundhed"], "Sundhedshuset, Torvet 2"),
    ("Jobcenter Bølgeby", "jobcenter", "arbejdsmarked-og-integration", ["beskaeftigelse-og-integration"], "Jobvej 1"),
    (
        "Ungeindsatsen",
        "jobcenter",
        "arbejdsmarked-og-integration",
        ["beskaeftigelse-og-integration", "born-og-unge"],
        "Jobvej 3",
    ),
    (
        "Sprogcenter Bølgeby",
        "sprogcenter",
        "arbejdsmarked-og-integration",
        ["beskaeftigelse-og-integration"],
        "Skolegade 9",
    ),
    ("Botilbuddet Kløverhuset", "botilbud", "handicap-og-psykiatri", ["social"], "Kløvervej 21"),
    ("Værestedet Fyrtårnet", "botilbud", "handicap-og-psykiatri", ["social"], "Havnegade 4"),
    ("Hovedbiblioteket", "kultur", "kultur-og-fritid", ["kultur-og-fritid"], "Biblioteksgade 1"),
    ("Musikskolen", "kultur", "kultur-og-fritid", ["kultur-og-fritid"], "Tonevej 6"),
    ("Bølgeby Svømmehal", "kultur", "kultur-og-fritid", ["kultur-og-fritid"], "Idrætsvej 10"),
    ("Vej og Park", "teknik", "teknik-og-miljo", ["teknik-og-miljo"], "Materielgården, Industrivej 8"),
    ("Genbrugspladsen", "teknik", "teknik-og-miljo", ["teknik-og-miljo"], "Affaldsvej 2"),
]

DESCRIPTIONS = {
    "skole": "Folkeskole fra 0. til 9. klasse med SFO. Vi arbejder med læsning, trivsel og udeskole.",
    "dagtilbud": "Integreret institution for børn fra 0 til 6 år med fokus på leg, sprog og natur.",
    "plejecenter": "Plejecenter med boliger til ældre borgere, daghjem og et aktivt frivilligmiljø.",
    "hjemmepleje": "Hjemmepleje og sygepleje til borgere i eget hjem, døgnet rundt.",
    "jobcenter": "Hjælper borgere i job og uddannelse og virksomheder med at finde medarbejdere.",
    "sprogcenter": "Danskuddannelse for voksne tilflyttere, dag og aften.",
    "familie": "Rådgivning og støtte til børn, unge og familier.",
    "ungdom": "Fritidstilbud og undervisning for unge fra 10 til 18 år.",
    "botilbud": "Bo- og samværstilbud for voksne med handicap eller psykisk sårbarhed.",
    "kultur": "Kulturtilbud for alle borgere i kommunen.",
    "teknik": "Drift af kommunens veje, grønne områder og affaldsordninger.",
}

FIRST_NAMES = [
    "Mads",
    "Sara",
    "Kasper",
    "Ida",
    "Rasmus",
    "Line",
    "Jonas",
    "Maja",
    "Mikkel",
    "Julie",
    "Simon",
    "Emma",
    "Thomas",
    "Anne",
    "Martin",
    "Louise",
    "Nikolaj",
    "Katrine",
    "Søren",
    "Mette",
    "Peter",
    "Rikke",
    "Christian",
    "Lene",
    "Frederik",
    "Signe",
    "Jakob",
    "Hanne",
    "Anders",
    "Birgitte",
    "Kristian",
    "Pernille",
    "Michael",
    "Trine",
    "Niels",
    "Lotte",
    "Bo",
    "Susanne",
    "Kim",
    "Karina",
]
LAST_NAMES = [
    "Andersen",
    "Nielsen",
    "Pedersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Petersen",
    "Madsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Jørgensen",
    "Frederiksen",
    "Laursen",
    "Olsen",
    "Knudsen",
    "Holm",
    "Vestergaard",
    "Bach",
    "Kjær",
    "Lauridsen",
    "Winther",
    "Friis",
    "Bruun",
    "Lind",
    "Dam",
    "Mikkelsen",
]

CURRENT_TERM_START = dt.date(2026, 1, 1)
PREVIOUS_TERM_END = dt.date(2025, 12, 31)


def _person(email: str, name: str, title: str = "", *, password: str | None = None):
    if name.lower() in _REAL_NAMES:
        raise ValueError(f"{name} is a real person named in the seed report")
    person, created = User.objects.get_or_create(email=email, defaults={"full_name": name, "job_title": title})
    if created:
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save()
    return person


def _member(person, role, *, starts_on, ends_on=None, **unit):
    Membership.objects.get_or_create(person=person, role=role, starts_on=starts_on, ends_on=ends_on, **unit)


def load(context: dict, *, stdout=None) -> None:
    # Repeatable demo data, not security.
    rng = random.Random(2026)  # nosec B311
    names = iter(
        rng.sample([f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES], len(FIRST_NAMES) * len(LAST_NAMES))
    )

    ElectoralTerm.objects.get_or_create(
        name="2022–2025",
        defaults={
            "starts_on": dt.date(2022, 1, 1),
            "ends_on": PREVIOUS_TERM_END,
            "election_date": dt.date(2021, 11, 16),
        },
    )
    ElectoralTerm.objects.get_or_create(
        name="2026–2029",
        defaults={
            "starts_on": CURRENT_TERM_START,
            "ends_on": dt.date(2029, 12, 31),
            "election_date": dt.date(2025, 11, 18),
        },
    )

    committees = {}
    for name, short, slug, description in COMMITTEES:
        committees[slug], _ = Committee.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "description": description}
        )
    centres = {}
    for name, slug in CENTRES:
        centres[slug], _ = Centre.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": f"{name} i Bølgeby Kommune."}
        )
    # The kinds come from a data migration; a flushed test database may have lost them.

    for slug, name, name_en in import_module("organisation.migrations.0002_workplace_kinds").KINDS:
        WorkplaceKind.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    kinds = {kind.slug: kind for kind in WorkplaceKind.objects.all()}
    workplaces = {}
    for index, (name, kind, centre, committee_slugs, street) in enumerate(WORKPLACES):
        workplace, created = Workplace.objects.get_or_create(
            slug=danish_slugify(name),
            defaults={
                "name": name,
                "kind": kinds[kind],
                "centre": centres[centre],
                "address": street,
                "postcode": str(4200 + (index % 6) * 10),
                "city": "Bølgeby",
                "email": f"{danish_slugify(name)}@{DEMO_DOMAIN}",
                "phone": f"58 57 {10 + index:02d} 00",
                # A few leaders have not written their profile yet: the start page asks them to.
                "description": "" if index % 9 == 4 else DESCRIPTIONS[kind],
            },
        )
        if created:
            workplace.committees.set([committees[slug] for slug in committee_slugs])
        workplaces[workplace.slug] = workplace

    accounts = {
        role: _person(email, name, title, password=DEMO_PASSWORD)
        for role, (email, name, title) in DEMO_ACCOUNTS.items()
    }
    school = workplaces["egeskovskolen"]
    children = committees["born-og-unge"]
    _member(accounts["administrator"], Role.ADMINISTRATOR, starts_on=dt.date(2020, 1, 1))
    _member(accounts["director"], Role.DIRECTOR, starts_on=dt.date(2019, 3, 1))
    _member(accounts["chair"], Role.COMMITTEE_CHAIR, committee=children, starts_on=CURRENT_TERM_START)
    # The chair sat as an ordinary member in the previous term: history survives the election.
    _member(
        accounts["chair"],
        Role.COMMITTEE_MEMBER,
        committee=children,
        starts_on=dt.date(2022, 1, 1),
        ends_on=PREVIOUS_TERM_END,
    )
    _member(accounts["member"], Role.COMMITTEE_MEMBER, committee=children, starts_on=CURRENT_TERM_START)
    _member(accounts["leader"], Role.WORKPLACE_LEADER, workplace=school, starts_on=dt.date(2018, 8, 1))
    _member(accounts["employee"], Role.EMPLOYEE, workplace=school, starts_on=dt.date(2021, 8, 1))
    _member(accounts["employee"], Role.UNION_REP, workplace=school, starts_on=dt.date(2024, 1, 1))
    # The school's MED contact: told of its hearings with the leader and the union representative.
    _member(accounts["med_contact"], Role.EMPLOYEE, workplace=school, starts_on=dt.date(2019, 8, 1))
    _member(accounts["med_contact"], Role.MED_CONTACT, workplace=school, starts_on=dt.date(2024, 1, 1))
    _member(accounts["centre_head"], Role.CENTRE_HEAD, centre=centres["skoler"], starts_on=dt.date(2023, 2, 1))

    def fictional(title: str):
        name = next(names)
        while name.lower() in _REAL_NAMES:
            name = next(names)
        email = f"{slugify_email(name)}@{DEMO_DOMAIN}"
        return _person(email, name, title)

    # Seven politicians per committee in the current term, and the previous term's,
    # some of whom were not re-elected.
    for slug, committee in committees.items():
        seats = 7 - (2 if slug == "born-og-unge" else 0)
        for seat in range(seats):
            person = fictional("Byrådsmedlem")
            role = Role.COMMITTEE_CHAIR if seat == 0 and slug != "born-og-unge" else Role.COMMITTEE_MEMBER
            _member(person, role, committee=committee, starts_on=CURRENT_TERM_START)
            if seat % 2 == 0:
                _member(
                    person,
                    Role.COMMITTEE_MEMBER,
                    committee=committee,
                    starts_on=dt.date(2022, 1, 1),
                    ends_on=PREVIOUS_TERM_END,
                )
        for _seat in range(3):
            _member(
                fictional("Tidligere byrådsmedlem"),
                Role.COMMITTEE_MEMBER,
                committee=committee,
                starts_on=dt.date(2022, 1, 1),
                ends_on=PREVIOUS_TERM_END,
            )

    for slug, workplace in workplaces.items():
        if slug != "egeskovskolen":
            _member(
                fictional("Virksomhedsleder"),
                Role.WORKPLACE_LEADER,
                workplace=workplace,
                starts_on=dt.date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1),
            )
        _member(fictional("Tillidsrepræsentant"), Role.UNION_REP, workplace=workplace, starts_on=dt.date(2023, 1, 1))
        for _n in range(2):
            _member(fictional("Medarbejder"), Role.EMPLOYEE, workplace=workplace, starts_on=dt.date(2022, 8, 1))
    for slug, centre in centres.items():
        if slug != "skoler":
            _member(fictional("Centerchef"), Role.CENTRE_HEAD, centre=centre, starts_on=dt.date(2021, 1, 1))
    # A role that ended yesterday: the hourly task tells the administrators about it.
    _member(
        fictional("Vikar"),
        Role.EMPLOYEE,
        workplace=workplaces["fjordskolen"],
        starts_on=dt.date(2025, 8, 1),
        ends_on=dt.date.today() - dt.timedelta(days=1),
    )

    context.update(accounts=accounts, committees=committees, centres=centres, workplaces=workplaces, rng=rng)
    if stdout:
        stdout.write(f"  {len(committees)} committees, {len(workplaces)} workplaces, {User.objects.count()} people")


def slugify_email(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "."})
    return name.lower().translate(table)
