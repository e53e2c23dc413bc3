"""Demo meetings for Bølgeby Kommune: free visit times in the coming weeks, booked visits,
two years of held meetings with locked minutes (deliberately uneven: some workplaces get
many, some none, and more just before the 2025 election), and a repeating committee plan.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from organisation.models import Membership, Role
from samspil import daysoff

from . import services
from .kinds import ensure_meeting_kinds
from .kinds import kind as meeting_kind
from .models import (
    BlockedPeriod,
    Booking,
    HolidayOpening,
    Meeting,
    MeetingKind,
    Minutes,
    MinutesVersion,
    Participant,
    VisitSlot,
)
from .visits import services as visit_services

MINUTES = (
    "Til stede: se deltagerlisten.\n\n"
    "1. Velkomst og rundvisning\n"
    "Lederen fortalte om stedets kerneopgave og viste rundt.\n\n"
    "2. Hvad lykkes vi med?\n"
    "{good}\n\n"
    "3. Hvad er svært?\n"
    "{hard}\n\n"
    "4. Opfølgning\n"
    "Udvalget tager emnet med til næste dialogmøde."
)
GOOD = [
    "Trivslen blandt børnene er steget, og forældresamarbejdet fungerer godt.",
    "Nye arbejdsgange har givet mere tid til borgerne.",
    "Medarbejderne fremhævede samarbejdet på tværs af faggrupper.",
    "Sygefraværet er faldet efter en fælles indsats.",
]
HARD = [
    "Rekruttering af uddannet personale er fortsat en udfordring.",
    "Bygningerne trænger til vedligehold.",
    "Dokumentationskravene tager tid fra kerneopgaven.",
    "Ventetiden på udredning er lang.",
]


def _leader(workplace):
    membership = (
        Membership.objects.current()
        .filter(workplace=workplace, role=Role.WORKPLACE_LEADER)
        .select_related("person")
        .first()
    )
    return membership.person if membership else None


def _politicians(committee, on: dt.date) -> list:
    return [
        m.person
        for m in Membership.objects.overlapping(on, on)
        .filter(committee=committee, role__in=[Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR])
        .select_related("person")
        .order_by("role", "person__full_name")
    ]


def _locked_minutes(meeting: Meeting, author, rng) -> None:
    text = MINUTES.format(good=rng.choice(GOOD), hard=rng.choice(HARD))
    minutes = Minutes.objects.create(
        meeting=meeting,
        text=text,
        status=Minutes.Status.LOCKED,
        version=3,
        locked_at=meeting.ends_at + dt.timedelta(days=6),
        locked_by=author,
        updated_at=meeting.ends_at + dt.timedelta(days=6),
    )
    draft = text.replace("Udvalget tager emnet med til næste dialogmøde.", "(mangler)")
    MinutesVersion.objects.bulk_create(
        [
            MinutesVersion(
                minutes=minutes,
                number=1,
                status=Minutes.Status.DRAFT,
                text=draft,
                author=author,
                created_at=meeting.ends_at + dt.timedelta(days=2),
            ),
            MinutesVersion(
                minutes=minutes,
                number=2,
                status=Minutes.Status.AMENDED,
                text=text,
                author=author,
                created_at=meeting.ends_at + dt.timedelta(days=4),
            ),
            MinutesVersion(
                minutes=minutes,
                number=3,
                status=Minutes.Status.LOCKED,
                text=text,
                author=author,
                created_at=meeting.ends_at + dt.timedelta(days=6),
            ),
        ]
    )


def _past_meeting(*, kind_slug, title, committee, host, starts_at, politicians, leader, rng, extra_workplaces=()):
    organiser = politicians[0] if kind_slug == MeetingKind.DIALOGUE and politicians else leader
    meeting = Meeting.objects.create(
        kind=meeting_kind(kind_slug),
        title=title,
        committee=committee,
        host=host,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2 if kind_slug != MeetingKind.VISIT else 1),
        organiser=organiser,
        status=Meeting.Status.HELD,
        held_at=starts_at + dt.timedelta(hours=2),
        nothing_at_stake=True,
        purpose="At lære arbejdspladsen at kende og høre, hvad der optager medarbejderne.",
        created_at=starts_at - dt.timedelta(days=30),
    )
    if extra_workplaces:
        meeting.workplaces.set(extra_workplaces)
    people = {}
    if organiser:
        people[organiser.pk] = (organiser, Participant.MeetingRole.ORGANISER)
    for person in politicians:
        people.setdefault(person.pk, (person, Participant.MeetingRole.POLITICIAN))
    if leader:
        people.setdefault(leader.pk, (leader, Participant.MeetingRole.HOST))
    Participant.objects.bulk_create(
        [
            Participant(
                meeting=meeting,
                person=person,
                role=role,
                response=rng.choice([Participant.Response.YES] * 4 + [Participant.Response.NO]),
                responded_at=starts_at - dt.timedelta(days=10),
                invited_at=starts_at - dt.timedelta(days=30),
            )
            for person, role in people.values()
        ]
    )
    _locked_minutes(meeting, organiser or leader, rng)
    return meeting


def _minutes_people_can_use(accounts, committee, school, today: dt.date) -> None:
    """Minutes people can use (issue 16, point 5): a dialogue meeting whose draft, started
    from the agenda and with its attendance, waits to be read (deadline in three days:
    `medlem@` is asked, `leder@` has read and proposed a correction, `formand@` sees who has
    read and is warned when locking early); and one locked with its attendance."""
    from . import minutes as minutes_services

    chair, member, leader = accounts["chair"], accounts["member"], accounts["leader"]

    def held_meeting(title: str, days_ago: int) -> Meeting:
        day = today - dt.timedelta(days=days_ago)
        meeting = services.meeting_create(
            kind=meeting_kind(MeetingKind.DIALOGUE),
            title=title,
            organiser=chair,
            starts_at=services.local_datetime(day, dt.time(15, 0)),
            ends_at=services.local_datetime(day, dt.time(17, 0)),
            committee=committee,
            host=school,
            purpose="Hvordan lykkes inklusionen i indskolingen, og hvad kan udvalget gøre?",
            nothing_at_stake=True,
            agenda=[
                {"title": "Velkomst og formål", "presenter": chair},
                {"title": "Indskolingens erfaringer med inklusion", "presenter": leader},
                {"title": "Spørgsmål fra udvalget"},
                {"title": "Hvad tager vi med os?"},
            ],
        )
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD, held_at=meeting.ends_at)
        participants = list(Participant.objects.filter(meeting=meeting).select_related("person"))
        marks = {p.pk: Participant.Attendance.PRESENT for p in participants}
        absent = next((p for p in participants if p.person_id not in (chair.pk, member.pk, leader.pk)), None)
        if absent is not None:
            marks[absent.pk] = Participant.Attendance.EXCUSED
        minutes_services.attendance_save(
            meeting=meeting, actor=chair, marks=marks, others="Mette Kjær, pædagog i indskolingen"
        )
        text = minutes_services.outline(meeting)
        for heading, note in (
            ("1. Velkomst og formål", "Formanden bød velkommen; intet er på spil i dag."),
            ("2. Indskolingens erfaringer", "Skolen viste, hvordan to-voksen-timer bruges i 0.–2. klasse."),
            ("3. Spørgsmål fra udvalget", "Udvalget spurgte til samarbejdet med PPR og forældrene."),
            ("4. Hvad tager vi med os?", "Udvalget følger op i udviklingsaftalen for 2027–2028."),
        ):
            start = text.find(heading)
            end = text.find("\n", start)
            text = text[: end + 1] + note + "\n" + text[end + 1 :]
        services.minutes_save(meeting=meeting, author=chair, text=text, based_on_version=0)
        return meeting

    reading = held_meeting("Dialogmøde om inklusion i indskolingen", 4)
    readers = [
        p.person
        for p in Participant.objects.filter(meeting=reading, attendance=Participant.Attendance.PRESENT)
        .exclude(person=chair)
        .select_related("person")
    ]
    minutes_services.reading_ask(
        meeting=reading,
        actor=chair,
        people=readers,
        deadline=services.local_datetime(today + dt.timedelta(days=3), dt.time(12, 0)),
    )
    minutes_services.mark_read(meeting=reading, person=leader)
    minutes_services.comment_add(
        meeting=reading,
        author=leader,
        text="Punkt 2: det er 0.–3. klasse, ikke 0.–2. klasse.",
    )
    locked = held_meeting("Dialogmøde om overgangen fra børnehave til skole", 30)
    services.minutes_lock(meeting=locked, actor=chair)


def load(context: dict, *, stdout=None) -> None:
    ensure_meeting_kinds()
    rng = context["rng"]
    accounts = context["accounts"]
    committees = context["committees"]
    workplaces = list(context["workplaces"].values())
    school = context["workplaces"]["egeskovskolen"]
    children = committees["born-og-unge"]
    now = timezone.now()
    today = timezone.localdate()
    leaders = {w.pk: _leader(w) for w in workplaces}
    responsible = {w.pk: list(w.committees.all()) for w in workplaces}

    # --- Two years of held meetings, uneven on purpose --------------------------------
    # A quarter of the workplaces have had no contact at all: the coverage dashboard
    # shows the gap. The rest get 1–9 meetings, more of them in the autumn of 2025
    # just before the election, and Egeskovskolen (the demo school) a steady stream.
    shuffled = workplaces[:]
    rng.shuffle(shuffled)
    never = {w.pk for w in shuffled[: len(shuffled) // 4] if w.pk != school.pk}
    past_count = 0
    election = dt.date(2025, 11, 18)
    for workplace in workplaces:
        if workplace.pk in never or not responsible[workplace.pk]:
            continue
        count = 6 if workplace.pk == school.pk else rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 9])
        for _n in range(count):
            if rng.random() < 0.35:
                day = election - dt.timedelta(days=rng.randrange(10, 75))
            else:
                day = today - dt.timedelta(days=rng.randrange(14, 730))
            starts_at = services.local_datetime(day, dt.time(rng.choice([9, 10, 13, 15, 16]), 0))
            if starts_at.weekday() >= 5:
                starts_at -= dt.timedelta(days=2)
            committee = rng.choice(responsible[workplace.pk])
            politicians = _politicians(committee, starts_at.date())
            kind_slug = rng.choice(
                [MeetingKind.VISIT, MeetingKind.VISIT, MeetingKind.DIALOGUE, MeetingKind.COMMITTEE_AT_WORKPLACE]
            )
            if kind_slug == MeetingKind.VISIT:
                politicians = rng.sample(politicians, min(len(politicians), rng.randint(1, 2)))
                title = f"Besøg på {workplace.name}"
            elif kind_slug == MeetingKind.DIALOGUE:
                title = f"Dialogmøde: {committee.short_name or committee.name} og {workplace.name}"
            else:
                title = f"{committee.short_name or committee.name} holder udvalgsmøde på {workplace.name}"
            _past_meeting(
                kind_slug=kind_slug,
                title=title,
                committee=committee if kind_slug != MeetingKind.VISIT else None,
                host=workplace,
                starts_at=starts_at,
                politicians=politicians,
                leader=leaders[workplace.pk],
                rng=rng,
            )
            past_count += 1

    # A held dialogue meeting the demo chair organised whose minutes are still a draft:
    # the chair's start page asks for them.
    recent = services.meeting_create(
        kind=meeting_kind(MeetingKind.DIALOGUE),
        title="Dialogmøde om skolernes trivselsmåling",
        organiser=accounts["chair"],
        starts_at=services.local_datetime(today - dt.timedelta(days=5), dt.time(16, 0)),
        ends_at=services.local_datetime(today - dt.timedelta(days=5), dt.time(18, 0)),
        committee=children,
        host=school,
        purpose="Hvad viser trivselsmålingen, og hvad gør skolerne ved den?",
        framing="Dialog, ikke beslutning.",
        nothing_at_stake=True,
    )
    Meeting.objects.filter(pk=recent.pk).update(status=Meeting.Status.HELD, held_at=now - dt.timedelta(days=5))
    services.minutes_save(
        meeting=recent,
        author=accounts["chair"],
        text="Udkast: skolerne præsenterede målingen.\nDrøftelse af indsatser mod ensomhed.",
        based_on_version=0,
    )

    _minutes_people_can_use(accounts, children, school, today)

    # --- The committee's repeating plan: third Wednesday of each month, 16:00 ----------
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    services.series_create(
        kind=meeting_kind(MeetingKind.DIALOGUE),
        title="Dialogmøde med skole- og dagtilbudsledere",
        organiser=accounts["chair"],
        committee=children,
        frequency="monthly_weekday",
        weekday=2,
        week_of_month=3,
        time_of_day=dt.time(16, 0),
        duration_minutes=120,
        starts_on=first,
        ends_on=first + dt.timedelta(days=364),
        place="Rådhuset, mødelokale 2",
        purpose="Fast dialog mellem udvalget og lederne om det, der optager dem.",
    )
    # An upcoming committee meeting at the demo school, with the school's presentation.
    services.meeting_create(
        kind=meeting_kind(MeetingKind.COMMITTEE_AT_WORKPLACE),
        title="Børne- og Ungeudvalget holder udvalgsmøde på Egeskovskolen",
        organiser=accounts["chair"],
        starts_at=services.local_datetime(today + dt.timedelta(days=9), dt.time(15, 0)),
        ends_at=services.local_datetime(today + dt.timedelta(days=9), dt.time(17, 30)),
        committee=children,
        host=school,
        purpose="Udvalget ser skolens nye læringsmiljø og hører om inklusion.",
        framing="Ingen sager om enkeltelever; ingen budgetbeslutninger.",
        nothing_at_stake=True,
        preparation_notes="Elevrådet viser rundt kl. 15.30. Kaffe i personalerummet bagefter.",
    )
    # A kind the municipality added itself (the admin's *Meeting kinds*): the report's theme
    # days, where a committee and the workplaces dig into one subject together.
    theme_day, _created = MeetingKind.objects.get_or_create(
        slug="temamoede",
        defaults={
            "name": "Temamøde",
            "name_en": "Theme meeting",
            "order": 50,
            "description": "Udvalg og arbejdspladser fordyber sig sammen i ét emne.",
        },
    )
    services.meeting_create(
        kind=theme_day,
        title="Temamøde: inklusion i dagtilbud og skole",
        organiser=accounts["administrator"],
        starts_at=services.local_datetime(today + dt.timedelta(days=23), dt.time(9, 0)),
        ends_at=services.local_datetime(today + dt.timedelta(days=23), dt.time(14, 0)),
        committee=children,
        workplaces=[school],
        place="Rådhuset, Byrådssalen",
        purpose="Udvalget og lederne deler erfaringer med inklusion og hvad der virker.",
        framing="Et temamøde: ingen beslutninger, kun viden og erfaringer.",
        nothing_at_stake=True,
    )

    # --- Visit times in the coming weeks at about two thirds of the workplaces --------
    slot_count = 0
    offered = [w for w in workplaces if leaders[w.pk] and responsible[w.pk] and rng.random() < 0.67]
    if school not in offered:
        offered.append(school)
    for workplace in offered:
        weekday_offset = rng.randrange(5)
        start_day = today + dt.timedelta(days=7 - today.weekday() + weekday_offset)
        while daysoff.closed_day(start_day):  # the first time may not fall on a holiday
            start_day += dt.timedelta(days=1)
        hour = rng.choice([8, 9, 10, 13, 14])
        slots = visit_services.visit_slots_publish(
            workplace=workplace,
            created_by=leaders[workplace.pk],
            starts_at=services.local_datetime(start_day, dt.time(hour, 0)),
            ends_at=services.local_datetime(start_day, dt.time(hour + 1, 30)),
            capacity=rng.choice([1, 2, 2, 3]),
            min_notice_hours=48,
            repeat_weeks=rng.choice([3, 4, 6]),
            note=rng.choice(["", "Mød op i receptionen.", "Parkering bag hovedindgangen."]),
        )
        slot_count += len(slots)

    # Schools take no visits in the Christmas holiday (their times then are hidden).
    christmas = dt.date(today.year, 12, 21)
    for workplace in offered:
        if workplace.kind.slug == "skole":
            BlockedPeriod.objects.create(
                workplace=workplace,
                starts_on=christmas,
                ends_on=christmas + dt.timedelta(days=13),
                reason="Juleferie",
                created_by=leaders[workplace.pk],
            )

    # --- Booked visits: a few per committee, some confirmed by the leader --------------
    # Booked directly (not through visit_book) so loading the demo sends no emails.
    booked = 0
    slots = list(
        VisitSlot.objects.filter(starts_at__gt=now, withdrawn_at=None)
        .exclude(workplace__kind__slug="skole", starts_at__date__gte=christmas)
        .select_related("workplace")
        .order_by("starts_at")
    )
    rng.shuffle(slots)
    taken: set[tuple[int, int]] = set()
    for slot in slots[: len(slots) // 5]:
        committee = rng.choice(responsible[slot.workplace_id])
        candidates = [p for p in _politicians(committee, today) if p.pk != accounts["member"].pk]
        if not candidates:
            continue
        member = rng.choice(candidates)
        overlapping = Booking.objects.filter(
            member=member, status=Booking.Status.BOOKED, slot__starts_at__lt=slot.ends_at
        ).filter(Q(slot__ends_at__gt=slot.starts_at))
        if (slot.pk, member.pk) in taken or overlapping.exists():
            continue
        taken.add((slot.pk, member.pk))
        booking = Booking.objects.create(slot=slot, member=member, created_at=now - dt.timedelta(days=rng.randrange(5)))
        visit_services.visit_meeting_join(slot=slot, member=member)
        if rng.random() < 0.6:
            Booking.objects.filter(pk=booking.pk).update(confirmed_at=now, confirmed_by=leaders[slot.workplace_id])
            Meeting.objects.filter(visit_slot=slot).update(status=Meeting.Status.CONFIRMED)
        booked += 1
    # The demo member has one booked visit at the demo school, not yet confirmed: the
    # leader's start page asks for the confirmation.
    school_slot = (
        VisitSlot.objects.filter(workplace=school, starts_at__gt=now + dt.timedelta(days=3))
        .exclude(bookings__status=Booking.Status.BOOKED)
        .order_by("starts_at")
        .first()
    )
    if school_slot:
        Booking.objects.create(slot=school_slot, member=accounts["member"], purpose="Vil gerne se indskolingen.")
        visit_services.visit_meeting_join(slot=school_slot, member=accounts["member"])
        booked += 1

    # And one visit the demo member cancelled: it stays in their history, its page says so.
    cancelled_slot = (
        VisitSlot.objects.filter(workplace=school, starts_at__gt=now + dt.timedelta(days=3))
        .exclude(bookings__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    if cancelled_slot:
        Booking.objects.create(
            slot=cancelled_slot,
            member=accounts["member"],
            status=Booking.Status.CANCELLED,
            reason="Byrådsmødet blev flyttet til samme dag.",
            created_at=now - dt.timedelta(days=6),
            ended_at=now - dt.timedelta(days=2),
        )
        visit = visit_services.visit_meeting_join(slot=cancelled_slot, member=accounts["member"])
        # What visit_cancel does, without its emails: the member leaves, the empty visit is off.
        visit.participants.filter(person=accounts["member"]).delete()
        Meeting.objects.filter(pk=visit.pk).update(
            status=Meeting.Status.CANCELLED,
            cancel_reason="Byrådsmødet blev flyttet til samme dag.",
            cancelled_at=now - dt.timedelta(days=2),
        )

    # --- The leader's answers (issue 16): a visit Egeskovskolen declined and one for which it
    # proposed another time, both with reasons; the demo member answers the proposal (start
    # page, the visit's page, Book besøg). Created directly, as above: no emails at load.
    days, day = [], today + dt.timedelta(days=4)
    while len(days) < 3:
        blocked_school = christmas <= day <= christmas + dt.timedelta(days=13)
        if day.weekday() < 5 and not daysoff.closed_day(day) and not blocked_school:
            days.append(day)
        day += dt.timedelta(days=1)
    answer_slots = [
        VisitSlot.objects.create(
            workplace=school,
            starts_at=services.local_datetime(d, dt.time(15, 45)),
            ends_at=services.local_datetime(d, dt.time(16, 45)),
            capacity=1,
            min_notice_hours=24,
            created_by=leaders[school.pk],
            note="Mød op på lærerværelset.",
        )
        for d in days
    ]
    declined_slot, proposed_from, proposed_to = answer_slots
    for slot, values in (
        (
            declined_slot,
            {
                "status": Booking.Status.DECLINED,
                "purpose": "Høre om skolens arbejde med trivselsmålingen.",
                "reason": "Skolen holder temadag om trivsel den dag. Book gerne en anden dag.",
                "ended_at": now - dt.timedelta(days=1),
            },
        ),
        (
            proposed_from,
            {
                "status": Booking.Status.PROPOSED,
                "purpose": "Se indskolingens læsebånd.",
                "reason": "2. klasse er på tur den dag. Vi foreslår i stedet dagen efter, hvor læsebåndet kører.",
                "proposed_slot": proposed_to,
            },
        ),
    ):
        Booking.objects.create(slot=slot, member=accounts["member"], created_at=now - dt.timedelta(days=3), **values)
        visit = visit_services.visit_meeting_join(slot=slot, member=accounts["member"])
        visit.participants.filter(person=accounts["member"]).delete()
        Meeting.objects.filter(pk=visit.pk).update(
            status=Meeting.Status.CANCELLED, cancel_reason=values["reason"], cancelled_at=now - dt.timedelta(days=1)
        )

    # Holidays are closed for visits (samspil/daysoff.py): the week view shows 24–26 and 31
    # December closed. One care centre opens Christmas Eve for a visit over the Christmas lunch.
    care = next((w for w in offered if w.kind.slug == "plejecenter"), None)
    christmas_eve = dt.date(today.year, 12, 24)
    if care is not None and christmas_eve > today + dt.timedelta(days=2):
        HolidayOpening.objects.create(workplace=care, day=christmas_eve, created_by=leaders[care.pk])
        VisitSlot.objects.create(
            workplace=care,
            starts_at=services.local_datetime(christmas_eve, dt.time(11, 0)),
            ends_at=services.local_datetime(christmas_eve, dt.time(12, 30)),
            capacity=2,
            min_notice_hours=48,
            created_by=leaders[care.pk],
            note="Julefrokost med beboerne: vi åbner juleaftensdag for besøg.",
        )

    from .calendars import demo as calendar_demo  # calendars and reminders: replies, feeds, a meeting tomorrow

    calendar_demo.load(context, stdout=stdout)
    if stdout:
        stdout.write(
            f"  {past_count} held meetings with locked minutes, {slot_count} visit times, {booked} booked visits, "
            f"{len(never)} workplaces with no meeting"
        )
