"""Demo good stories for Bølgeby Kommune: ~30 stories across workplaces, some public with
pictures (simple coloured shapes drawn with Pillow, no faces), some waiting for the
leader, some sent back, and thanks and follows for the demo politicians."""

from __future__ import annotations

import datetime as dt
import io
import math

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from organisation.slugs import danish_slugify

from .images import clean_picture
from .models import ChallengeReply, Follow, Story, StoryEvent, StoryPicture, Thanks, Theme

THEMES = [
    ("laering", "Læring", "Learning"),
    ("trivsel", "Trivsel", "Well-being"),
    ("faellesskab", "Fællesskab", "Community"),
    ("groen-omstilling", "Grøn omstilling", "Green transition"),
    ("sundhed", "Sundhed", "Health"),
    ("samarbejde", "Samarbejde", "Collaboration"),
    ("innovation", "Nye veje", "New ways of working"),
]

# title, summary, body, workplace name, theme slugs, picture scene (or None)
STORIES = [
    (
        "Udeskole i Egeskoven",
        "3.B flyttede matematiktimerne ud i skoven – og målte træer, tæller svampe og laver statistik.",
        "Hver tirsdag har **3.B** matematik i skoven. Eleverne måler omkredsen på egetræer, "
        "regner alderen ud og laver søjlediagrammer over det, de finder.\n\n"
        "> Det er første gang, jeg har set dem *glæde sig* til brøker.\n\n"
        "Læs mere om udeskole på [emu.dk](https://emu.dk).",
        "Egeskovskolen",
        ["laering", "groen-omstilling"],
        "forest",
    ),
    (
        "Læsebånd med bedsteforældre",
        "Pensionister fra lokalområdet læser med de yngste elever hver morgen.",
        "Tolv frivillige bedsteforældre kommer hver morgen kl. 8.\n\n- 20 minutters læsning\n- en kop te\n- en snak om bogen",
        "Egeskovskolen",
        ["laering", "faellesskab"],
        "books",
    ),
    (
        "Ny legeplads bygget af forældre",
        "En weekend, 40 forældre og en container med genbrugstræ blev til en ny legeplads.",
        "Forældrerådet tog initiativet, og Vej og Park lånte værktøj ud. Resultatet er en balancebane og et klatrestativ.",
        "Børnehuset Solsikken",
        ["faellesskab", "samarbejde"],
        "playground",
    ),
    (
        "Sansehave på Lindegården",
        "Beboerne har plantet krydderurter og bær i højbede, de kan nå fra kørestolen.",
        "Haven blev planlagt sammen med beboerrådet. Nu dufter der af timian og mynte hele sommeren.",
        "Plejecenter Lindegården",
        ["sundhed", "trivsel"],
        "garden",
    ),
    (
        "Fra praktik til fast job",
        "Jobcentrets virksomhedskonsulenter har hjulpet 30 borgere i job hos lokale virksomheder i år.",
        "Samarbejdet med erhvervslivet er bygget op over tre år. Nøglen er en fast kontaktperson for hver virksomhed.",
        "Jobcenter Bølgeby",
        ["samarbejde", "innovation"],
        "bridge",
    ),
    (
        "Sprogcafé hver torsdag",
        "Kursister og frivillige mødes på biblioteket og øver dansk over kaffe.",
        "Sprogcaféen er et samarbejde mellem Sprogcenter Bølgeby og Hovedbiblioteket.",
        "Sprogcenter Bølgeby",
        ["faellesskab", "laering"],
        "speech",
    ),
    (
        "Elcykler til hjemmeplejen",
        "Hjemmeplejen Nord kører nu på elcykel i byen – hurtigere og grønnere.",
        "Ti elcykler har erstattet to biler i bykernen. Medarbejderne melder om mere frisk luft og færre p-problemer.",
        "Hjemmeplejen Nord",
        ["groen-omstilling", "sundhed"],
        "bike",
    ),
    (
        "Koncert for hele byen",
        "Musikskolens elever spillede for 400 tilhørere på torvet.",
        "Fra blokfløjte til bigband: 120 elever stod på scenen.",
        "Musikskolen",
        ["faellesskab"],
        "music",
    ),
    (
        "Svømmeundervisning for voksne",
        "Svømmehallen tilbyder nu begynderhold for voksne, der aldrig har lært at svømme.",
        "Holdene er fyldt op, og der er venteliste til foråret.",
        "Bølgeby Svømmehal",
        ["sundhed", "trivsel"],
        "water",
    ),
    (
        "Vild med vilje i parkerne",
        "Vej og Park lader 20 % af græsplænerne gro vildt – til glæde for bier og sommerfugle.",
        "Vi slår nu kun stierne. Borgerne har taget godt imod det, og insekterne endnu bedre.",
        "Vej og Park",
        ["groen-omstilling"],
        "meadow",
    ),
]

MORE_TITLES = [
    ("Fælles morgenmad skaber ro", "trivsel"),
    ("Robotstøvsugere frigiver tid", "innovation"),
    ("Ny samarbejdsaftale med idrætsforeningen", "samarbejde"),
    ("Trivselsmåling: flere glade elever", "trivsel"),
    ("Genbrug af skolemøbler", "groen-omstilling"),
    ("Motion for beboerne hver formiddag", "sundhed"),
    ("Lektiecafé på biblioteket", "laering"),
    ("Nye medarbejdere får en makker", "samarbejde"),
    ("Affaldssortering i børnehøjde", "groen-omstilling"),
    ("Åbent hus med 300 gæster", "faellesskab"),
    ("Digital træning for ældre", "innovation"),
    ("Madskole i sommerferien", "sundhed"),
    ("Fælles projektuge på tværs af årgange", "laering"),
    ("Tryghedsvandring med naboerne", "faellesskab"),
    ("Mindre papir, mere nærvær", "innovation"),
    ("Sommerfest med de frivillige", "faellesskab"),
    ("Trivselsambassadører i 6. klasse", "trivsel"),
    ("Stafet for en god sag", "sundhed"),
    ("Nyt samarbejde med gymnasiet", "samarbejde"),
    ("Ugens historie fra SFO'en", "trivsel"),
]

PALETTES = {
    "forest": ((214, 234, 208), [(46, 125, 50), (67, 160, 71), (129, 199, 132)]),
    "books": ((250, 240, 222), [(198, 40, 40), (21, 101, 192), (249, 168, 37)]),
    "playground": ((225, 242, 252), [(255, 179, 0), (0, 137, 123), (229, 57, 53)]),
    "garden": ((237, 247, 227), [(123, 31, 162), (56, 142, 60), (251, 192, 45)]),
    "bridge": ((227, 238, 250), [(13, 71, 161), (2, 136, 209), (255, 160, 0)]),
    "speech": ((252, 243, 230), [(239, 108, 0), (0, 121, 107), (92, 107, 192)]),
    "bike": ((232, 245, 233), [(27, 94, 32), (255, 193, 7), (3, 155, 229)]),
    "music": ((243, 229, 245), [(106, 27, 154), (216, 27, 96), (255, 202, 40)]),
    "water": ((224, 247, 250), [(0, 151, 167), (2, 119, 189), (128, 222, 234)]),
    "meadow": ((241, 248, 233), [(104, 159, 56), (255, 235, 59), (244, 143, 177)]),
}


def pleasant_picture(scene: str, *, seed: int = 0, size=(1200, 675)) -> bytes:
    """A calm picture of hills, a sun and a few shapes: no faces, no people."""
    sky, colours = PALETTES.get(scene, PALETTES["meadow"])
    width, height = size
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    sun = colours[1 if scene == "water" else 2]
    draw.ellipse((width * 0.72, height * 0.1, width * 0.72 + 140, height * 0.1 + 140), fill=sun)
    for index, colour in enumerate(colours):
        base = height * (0.55 + 0.13 * index)
        points = [(0, height)]
        for x in range(0, width + 40, 40):
            wave = math.sin((x / width) * math.pi * (2 + index) + seed + index) * 38
            points.append((x, base + wave))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    for n in range(5):
        x = (seed * 97 + n * 211) % (width - 80) + 20
        y = height * 0.35 + (n * 37 % 90)
        draw.ellipse((x, y, x + 28, y + 28), fill=colours[n % len(colours)], outline=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _picture(story: Story, scene: str, alt: str, seed: int) -> None:
    raw = ContentFile(pleasant_picture(scene, seed=seed), name="demo.png")
    clean = clean_picture(raw)
    StoryPicture.objects.create(story=story, image=clean.content, alt_text=alt)


def load(context: dict, *, stdout=None) -> None:
    accounts = context["accounts"]
    workplaces = context["workplaces"]
    committees = context["committees"]
    rng = context["rng"]
    themes = {}
    for slug, name, name_en in THEMES:
        themes[slug], _created = Theme.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})

    from organisation.models import Membership, Role

    leaders = {
        m.workplace_id: m.person
        for m in Membership.objects.current().filter(role=Role.WORKPLACE_LEADER).select_related("person")
    }
    staff = {}
    for m in Membership.objects.current().filter(role__in=[Role.EMPLOYEE, Role.UNION_REP]).select_related("person"):
        staff.setdefault(m.workplace_id, m.person)
    staff[workplaces["egeskovskolen"].pk] = accounts["employee"]

    now = timezone.now()
    created = []

    def make(title, summary, body, workplace, theme_slugs, *, status, visibility, age_days, scene=None, alt=""):
        leader = leaders.get(workplace.pk)
        author = staff.get(workplace.pk) or leader
        at = now - dt.timedelta(days=age_days, hours=rng.randrange(1, 9))
        story = Story.objects.create(
            workplace=workplace,
            author=author,
            title=title,
            summary=summary,
            body=body,
            status=status,
            visibility=visibility,
            created_at=at - dt.timedelta(days=1),
            updated_at=at,
            published_at=at if status == Story.Status.PUBLISHED else None,
            published_by=leader if status == Story.Status.PUBLISHED else None,
            return_comment="Fin historie! Kan du tilføje et billede og skrive lidt om, hvad eleverne lærte?"
            if status == Story.Status.RETURNED
            else "",
        )
        story.themes.set([themes[slug] for slug in theme_slugs])
        StoryEvent.objects.create(
            story=story, actor=author, action=StoryEvent.Action.SUBMITTED, at=at - dt.timedelta(days=1)
        )
        if status == Story.Status.PUBLISHED:
            StoryEvent.objects.create(story=story, actor=leader, action="published", visibility=visibility, at=at)
        elif status == Story.Status.RETURNED:
            StoryEvent.objects.create(story=story, actor=leader, action="returned", comment=story.return_comment, at=at)
        if scene:
            _picture(story, scene, alt or f"Tegning: {title.lower()} – bakker, sol og farvede cirkler", len(created))
        created.append(story)
        return story

    # The ten stories with pictures: published, most of them public, spread over weeks.
    for index, (title, summary, body, workplace_name, theme_slugs, scene) in enumerate(STORIES):
        make(
            title,
            summary,
            body,
            workplaces[danish_slugify(workplace_name)],
            theme_slugs,
            status=Story.Status.PUBLISHED,
            visibility=Story.Visibility.PUBLIC if index % 4 != 3 else Story.Visibility.INTERNAL,
            age_days=2 + index * 4,
            scene=scene,
            alt=f"Illustration til historien “{title}”: bakker, en sol og farvede cirkler",
        )

    # Twenty shorter ones across the other workplaces: most published internally.
    slugs = sorted(workplaces)
    for index, (title, theme_slug) in enumerate(MORE_TITLES):
        workplace = workplaces[slugs[(index * 7) % len(slugs)]]
        make(
            title,
            f"{workplace.name} fortæller om {title.lower()}.",
            f"Hos **{workplace.name}** har vi prøvet noget nyt: {title.lower()}.\n\nDet er gået godt, og vi fortsætter.",
            workplace,
            [theme_slug],
            status=Story.Status.PUBLISHED,
            visibility=Story.Visibility.INTERNAL if index % 3 else Story.Visibility.PUBLIC,
            age_days=1 + index * 3,
        )

    school = workplaces["egeskovskolen"]
    # Waiting for the demo leader (leder@), and one sent back to the demo employee.
    make(
        "Skolekoret vandt DM",
        "Egeskovskolens kor vandt danmarksmesterskabet for skolekor i Aarhus.",
        "Koret har øvet hver onsdag i et år. **Tillykke!**",
        school,
        ["faellesskab"],
        status=Story.Status.SUBMITTED,
        visibility=Story.Visibility.PUBLIC,
        age_days=0,
        scene="music",
        alt="Illustration: noder og farvede cirkler over grønne bakker",
    )
    make(
        "Ny madordning i kantinen",
        "Eleverne har været med til at sammensætte menuen.",
        "Elevrådet har smagt, stemt og valgt. Nu er der suppe om tirsdagen.",
        school,
        ["sundhed"],
        status=Story.Status.SUBMITTED,
        visibility=Story.Visibility.INTERNAL,
        age_days=1,
    )
    make(
        "Projektuge om vand",
        "Mellemtrinnet arbejdede en uge med vand i byen.",
        "Vi besøgte renseanlægget og byggede regnbede.",
        school,
        ["laering", "groen-omstilling"],
        status=Story.Status.RETURNED,
        visibility=Story.Visibility.INTERNAL,
        age_days=3,
    )
    make(
        "Gammel nyhed om skolefesten",
        "Skolefesten fra sidste år.",
        "Arkiveret: erstattet af en nyere historie.",
        school,
        ["faellesskab"],
        status=Story.Status.ARCHIVED,
        visibility=Story.Visibility.INTERNAL,
        age_days=200,
    )

    # Challenges (issue 18.2): one from Egeskovskolen sent to Børne- og Ungeudvalget, which
    # the chair answered asking to hear more at a visit (medlem@ reads it, answers and books
    # a visit from it); one waiting for leder@ to send it on; one from Solsikken, counted on
    # the coverage dashboard.
    def challenge(title, summary, body, tried, would_help, workplace, *, status, age_days, author=None):
        leader = leaders.get(workplace.pk)
        author = author or staff.get(workplace.pk) or leader
        at = now - dt.timedelta(days=age_days, hours=rng.randrange(1, 9))
        sent = status == Story.Status.PUBLISHED
        story = Story.objects.create(
            kind=Story.Kind.CHALLENGE,
            workplace=workplace,
            author=author,
            title=title,
            summary=summary,
            body=body,
            tried=tried,
            would_help=would_help,
            status=status,
            created_at=at - dt.timedelta(days=1),
            updated_at=at,
            published_at=at if sent else None,
            published_by=leader if sent else None,
        )
        StoryEvent.objects.create(
            story=story, actor=author, action=StoryEvent.Action.SUBMITTED, at=at - dt.timedelta(days=1)
        )
        if sent:
            StoryEvent.objects.create(story=story, actor=leader, action="published", visibility="internal", at=at)
        created.append(story)
        return story

    morning = challenge(
        "For få voksne i morgenåbningen",
        "Fra 6.30 til 8.00 er vi to voksne til over 40 børn i indskolingens morgenåbning.",
        "Morgenåbningen er vokset, fordi flere forældre møder tidligt. Vi kan ikke nå at tage imod "
        "hvert barn ordentligt, og de yngste får en urolig start på dagen.",
        "Vi har flyttet mødetider, så en tredje voksen kommer kl. 7.30, og bedt forældre om at "
        "melde tider ind. Det har hjulpet lidt, men ikke nok.",
        "En fælles vikarpulje for skolerne i området, eller at morgenåbningen kan deles med "
        "Børnehuset Solsikken, der ligger 200 meter væk.",
        school,
        status=Story.Status.PUBLISHED,
        age_days=4,
        author=accounts["employee"],
    )
    ChallengeReply.objects.create(
        story=morning,
        author=accounts["chair"],
        text="Tak for en ærlig beskrivelse. Udvalget vil gerne høre mere, når vi er på besøg.",
        wants_visit=True,
        created_at=now - dt.timedelta(days=2),
    )
    challenge(
        "Vikardækning i vinterferien",
        "Mange ansatte har ferie i uge 7, og vikarerne er de samme som i SFO'en.",
        "Vi mangler vikarer i uge 7, og dem vi har, dækker allerede SFO'en.",
        "Vi har spurgt pensionerede lærere.",
        "En aftale med de andre skoler om at dele vikarer i ferierne.",
        school,
        status=Story.Status.SUBMITTED,
        age_days=0,
        author=accounts["employee"],
    )
    challenge(
        "Ventelister til sprogstøtte",
        "Børn med brug for sprogstøtte venter op til fire måneder.",
        "Vi ser flere børn med brug for sprogstøtte, og ventetiden hos talepædagogen er lang.",
        "Vi har lavet sproggrupper selv med hjælp fra PPR.",
        "Flere timer hos talepædagogen eller et kursus for personalet.",
        workplaces[danish_slugify("Børnehuset Solsikken")],
        status=Story.Status.PUBLISHED,
        age_days=20,
    )

    # Follows: the chair follows the children's committee, the member a few workplaces.
    Follow.objects.get_or_create(person=accounts["chair"], committee=committees["born-og-unge"])
    for name in ("Egeskovskolen", "Børnehuset Solsikken", "Plejecenter Lindegården"):
        Follow.objects.get_or_create(person=accounts["member"], workplace=workplaces[danish_slugify(name)])
    Follow.objects.get_or_create(person=accounts["director"], committee=committees["born-og-unge"])

    # Thanks from the demo politicians and a few others.
    readers = [accounts["chair"], accounts["member"], accounts["director"], accounts["centre_head"]]
    published = [s for s in created if s.status == Story.Status.PUBLISHED and not s.is_challenge]
    for index, story in enumerate(published):
        for reader in readers[: (index % 4) + 1] if index % 2 == 0 else readers[:1]:
            Thanks.objects.get_or_create(story=story, person=reader)
        Story.objects.filter(pk=story.pk).update(thanks_count=Thanks.objects.filter(story=story).count())

    # Stories that tell about a goal of their workplace's development agreement link to it
    # (the story page shows the goal, with a link for those who may read the agreement).
    from agreements.models import Goal

    for story in published:
        goal = (
            Goal.objects.filter(agreement__workplace_id=story.workplace_id)
            .order_by("-agreement__template__period_start", "order", "pk")
            .first()
        )
        if goal is not None:
            Story.objects.filter(pk=story.pk).update(goal=goal)

    if stdout:
        stdout.write(
            f"  {len(created)} good stories, {Follow.objects.count()} follows, {Thanks.objects.count()} thanks"
        )
