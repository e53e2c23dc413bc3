"""Demo committee cases: every state at Børne- og Ungeudvalget and at Ældre- og
Sundhedsudvalget, one overdue hearing, one override, one case where Egeskovskolen's
fagleder spoke. `leder@` has a hearing to answer; `formand@` sees a warning about the next
agenda; `sekretaer@` is the committee secretary of Børne- og Ungeudvalget."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from meetings import services as meeting_services
from meetings.kinds import kind as meeting_kind
from meetings.models import Meeting, MeetingKind
from organisation.demo import DEMO_PASSWORD, _member, _person
from organisation.models import Membership, Role

from . import services
from .models import Case, Hearing


def _meeting(committee, organiser, days: int, title: str) -> Meeting:
    day = timezone.localdate() + dt.timedelta(days=days)
    starts = meeting_services.local_datetime(day, dt.time(16, 0))
    return meeting_services.meeting_create(
        kind=meeting_kind(MeetingKind.DIALOGUE),
        title=title,
        organiser=organiser,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        committee=committee,
        place="Rådhuset, udvalgsværelse 2",
        purpose="Udvalgets ordinære møde.",
    )


def _register(meeting, by, title, summary, workplaces, kind=Case.Kind.DECISION, number="", open_hearing=True):
    return services.case_register(
        meeting=meeting,
        title=title,
        summary=summary,
        kind=kind,
        workplaces=workplaces,
        contact_name="Kirsten Holt, sagsbehandler",
        contact_email="sekretariat@bolgeby.example",
        esdh_number=number,
        esdh_url=f"https://esdh.bolgeby.example/sag/{number}" if number else "",
        by=by,
        open_hearing=open_hearing,
    )


def _answer(case, workplace, text, leader, *, days_after: int = 6):
    hearing = case.hearings.get(workplace=workplace)
    hearing = services.hearing_submit(hearing=hearing, answer=text, version=hearing.version, by=leader)
    # Demo history: answered some days after the hearing opened.
    Hearing.objects.filter(pk=hearing.pk).update(submitted_at=hearing.opened_at + dt.timedelta(days=days_after))
    return hearing


def _into_the_past(case, meeting, days_ago: int) -> None:
    """Cases already treated: their meeting and hearing moved back in time (demo only)."""
    # Whole weeks back, so the meeting keeps its weekday and time and the deadline its weekday.
    days = (timezone.localtime(meeting.starts_at).date() - timezone.localdate()).days + days_ago
    shift = dt.timedelta(weeks=-(-days // 7))
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - shift, ends_at=meeting.ends_at - shift, status=Meeting.Status.HELD
    )
    for hearing in Hearing.objects.filter(case=case):
        Hearing.objects.filter(pk=hearing.pk).update(
            opened_at=hearing.opened_at - shift,
            deadline=hearing.deadline - shift,
            submitted_at=(hearing.submitted_at - shift) if hearing.submitted_at else None,
        )
    Case.objects.filter(pk=case.pk).update(
        hearing_deadline=case.hearing_deadline - shift if case.hearing_deadline else None,
        treated_at=meeting.starts_at - shift + dt.timedelta(hours=1),
        decided_at=(meeting.starts_at - shift + dt.timedelta(hours=1)) if case.status == Case.Status.DECIDED else None,
        override_at=(case.override_at - shift) if case.override_at else None,
        created_at=case.created_at - shift,
    )


def _leader(workplace):
    membership = Membership.objects.current().filter(workplace=workplace, role=Role.WORKPLACE_LEADER).first()
    return membership.person if membership else None


def load(context: dict, *, stdout=None) -> None:
    accounts, committees, workplaces = context["accounts"], context["committees"], context["workplaces"]
    children, elderly = committees["born-og-unge"], committees["aeldre-og-sundhed"]
    admin, chair = accounts["administrator"], accounts["chair"]
    school = workplaces["egeskovskolen"]
    by_name = {w.name: w for w in workplaces.values()}
    leader = accounts["leader"]

    clerk = _person("sekretaer@samspil.example", "Nanna Vestergaard", "Udvalgssekretær", password=DEMO_PASSWORD)
    _member(clerk, Role.COMMITTEE_SECRETARY, committee=children, starts_on=dt.date(2026, 1, 1))
    fagleder = _person("fagleder@samspil.example", "Birgitte Holm", "Fagleder for indskolingen", password=DEMO_PASSWORD)
    _member(fagleder, Role.EMPLOYEE, workplace=school, starts_on=dt.date(2019, 8, 1))

    # --- Børne- og Ungeudvalget -----------------------------------------------------------
    past = _meeting(children, chair, 30, "Børne- og Ungeudvalgets møde")
    decided = _register(
        past,
        clerk,
        "Inklusion i almenskolen: nye ressourcecentre",
        "Forvaltningen foreslår et ressourcecenter på hver skole, så flere elever kan gå i almenklassen.",
        [school, by_name["Havbakkeskolen"]],
        number="17.01.00-A00-12-26",
    )
    _answer(
        decided,
        school,
        "Egeskovskolen støtter ressourcecentre.\nVi ønsker, at centret bemandes med en fast lærer og en pædagog, "
        "så eleverne møder de samme voksne hver dag.",
        leader,
        days_after=5,
    )
    _answer(
        decided,
        by_name["Havbakkeskolen"],
        "Havbakkeskolen støtter forslaget uden yderligere bemærkninger.",
        _leader(by_name["Havbakkeskolen"]) or admin,
        days_after=9,
    )
    hearing = decided.hearings.get(workplace=school)
    services.hearing_ask_to_speak(
        hearing=hearing, presenter=fagleder, presenter_name="", presenter_title="Fagleder for indskolingen"
    )
    services.hearing_decide_speaking(hearing=hearing, by=chair, accept=True, minutes=10)
    decided = services.case_mark_ready(case=decided, by=clerk)
    decided = services.case_mark_treated(case=decided, by=clerk)
    services.case_decide(
        case=decided,
        by=clerk,
        decision_text="Udvalget godkender ressourcecentre på alle skoler fra 1. august.",
        answers_used="Egeskovskolens ønske om faste voksne er skrevet ind i bemandingen.",
    )
    treated = _register(
        past,
        clerk,
        "Sammenlægning af Børnehuset Solsikken og Troldehøjen",
        "To børnehuse lægges sammen under én ledelse fra januar.",
        [by_name["Børnehuset Solsikken"], by_name["Troldehøjen"]],
        number="28.00.00-A00-4-26",
    )
    _answer(
        treated,
        by_name["Børnehuset Solsikken"],
        "Vi ønsker, at begge huse beholder deres navn.",
        _leader(by_name["Børnehuset Solsikken"]) or admin,
    )
    # The override: Troldehøjen did not answer in time, the budget deadline could not move.
    treated = services.case_override(
        case=treated,
        by=admin,
        reason="Budgetaftalen kræver en beslutning før 1. december; Troldehøjen er kontaktet og orienteres direkte.",
    )
    treated = services.case_mark_treated(case=treated, by=clerk)
    for case in (decided, treated):
        _into_the_past(Case.objects.get(pk=case.pk), past, days_ago=40)

    # The next meeting: an overdue hearing and a case ready for the committee.
    next_meeting = _meeting(children, chair, 8, "Børne- og Ungeudvalgets møde")
    _register(
        next_meeting,
        clerk,
        "Ny tildelingsmodel for specialundervisning",
        "Pengene til specialundervisning fordeles efter elevtal og socioøkonomi i stedet for efter ansøgning.",
        [by_name["Lyngtoftskolen"]],
        number="17.02.00-A00-7-26",
    )  # its deadline has passed: the hearing is overdue, and the chair is warned
    ready = _register(
        next_meeting,
        clerk,
        "Nye åbningstider i Vuggestuen Mælkebøtten",
        "Vuggestuen åbner kl. 6.15 i stedet for 6.30 efter forældrenes ønske.",
        [by_name["Vuggestuen Mælkebøtten"]],
        kind=Case.Kind.ORIENTATION,
        number="28.03.00-A00-2-26",
    )
    services.hearing_no_comments(hearing=ready.hearings.get(), by=_leader(by_name["Vuggestuen Mælkebøtten"]) or admin)
    services.case_mark_ready(case=ready, by=clerk)

    # Later: leder@ has a hearing to answer, a draft waits in the secretariat.
    later = _meeting(children, chair, 36, "Børne- og Ungeudvalgets møde")
    _register(
        later,
        clerk,
        "Ny skolestruktur i Nord",
        "Forvaltningen foreslår at samle udskolingen fra Egeskovskolen og Nørre Enge Skole på én matrikel fra 2028.",
        [school, by_name["Nørre Enge Skole"]],
        number="17.00.00-A00-21-26",
    )
    _register(
        later,
        clerk,
        "Budget 2028: orientering om rammerne",
        "Orientering om budgetrammerne for skoler og dagtilbud.",
        [],
        kind=Case.Kind.ORIENTATION,
        open_hearing=False,
    )

    # --- Ældre- og Sundhedsudvalget -------------------------------------------------------
    elderly_chair = Membership.objects.current().filter(committee=elderly, role=Role.COMMITTEE_CHAIR).first()
    organiser = elderly_chair.person if elderly_chair else admin
    homes = [w for w in workplaces.values() if elderly in w.committees.all()][:3]
    old = _meeting(elderly, organiser, 30, "Ældre- og Sundhedsudvalgets møde")
    done = _register(
        old,
        admin,
        "Madordning på plejecentrene",
        "Et fælles produktionskøkken leverer maden.",
        homes[:2],
        number="29.09.00-A00-3-26",
    )
    for home in homes[:2]:
        _answer(
            done,
            home,
            f"{home.name} ønsker, at beboerne fortsat kan vælge mellem to retter.",
            _leader(home) or admin,
            days_after=4,
        )
    done = services.case_mark_ready(case=done, by=admin)
    done = services.case_mark_treated(case=done, by=admin)
    services.case_decide(
        case=done, by=admin, decision_text="Udvalget godkender det fælles køkken med to retter dagligt."
    )
    heard = _register(old, admin, "Ny visitation til plejebolig", "Visitationen samles i ét team.", homes[2:3])
    _answer(
        heard, homes[2], "Vi ønsker, at plejecentrets leder deltager i visitationsmøderne.", _leader(homes[2]) or admin
    )
    heard = services.case_mark_ready(case=heard, by=admin)
    heard = services.case_mark_treated(case=heard, by=admin)
    for case in (done, heard):
        _into_the_past(Case.objects.get(pk=case.pk), old, days_ago=60)
    soon = _meeting(elderly, organiser, 25, "Ældre- og Sundhedsudvalgets møde")
    _register(
        soon, admin, "Besøgstider i weekenden", "Faste besøgstider ophæves.", homes[1:3], number="29.09.00-A00-9-26"
    )
    quiet = _register(
        soon, admin, "Nye rengøringsaftaler", "Rengøringen udbydes samlet.", homes[:1], kind=Case.Kind.ORIENTATION
    )
    services.hearing_no_comments(hearing=quiet.hearings.get(), by=_leader(homes[0]) or admin)
    services.case_mark_ready(case=quiet, by=admin)
    _register(soon, admin, "Demensvenlige haver", "Forslag om sansehaver ved plejecentrene.", homes, open_hearing=False)
    if stdout:
        stdout.write(f"  {Case.objects.count()} committee cases, {Hearing.objects.count()} hearings")
