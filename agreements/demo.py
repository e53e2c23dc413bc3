"""Demo development agreements: a published template for 2027–2028 and an older one for
2025–2026, with agreements in every state. Egeskovskolen's 2027–2028 draft is left for
the demo leader (leder@samspil.example) to continue."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation

from organisation.models import Membership, Role

from . import services
from .models import Agreement, AgreementTemplate, CycleDeadline, FollowUp, GoalComment, SharedGoal

SHARED_GOALS = [
    (
        "Flere borgere i fællesskaber",
        "Fællesskaber forebygger ensomhed og mistrivsel og er en del af kerneopgaven på alle områder.",
        "Flere borgere, børn og voksne, deltager i mindst ét fællesskab, som virksomheden understøtter.",
    ),
    (
        "Grøn drift",
        "Kommunen har et mål om at halvere CO2-udledningen fra egen drift inden 2030.",
        "Virksomheden har en plan for sit energiforbrug og sine indkøb og følger den.",
    ),
]

OWN_GOALS = [
    (
        "Alle elever læser alderssvarende",
        "Læsning er nøglen til al anden læring.",
        "Andelen af elever i 3. klasse, der læser alderssvarende, stiger.",
        "Andel af 3.-klasser der læser alderssvarende",
        "72 %",
        "85 %",
    ),
    (
        "Trivsel i udskolingen",
        "Elever, der trives, lærer mere og bliver i fællesskabet.",
        "Færre elever i 7.–9. klasse svarer, at de føler sig ensomme.",
        "Andel der ofte føler sig ensomme (trivselsmåling)",
        "14 %",
        "8 %",
    ),
    (
        "Stærkere forældresamarbejde",
        "Forældre er en ressource for børnenes læring og trivsel.",
        "Flere forældre deltager i skole-hjem-samtaler og fællesarrangementer.",
        "",
        "",
        "",
    ),
]


def _template(title, start, end, *, published=True) -> AgreementTemplate:
    template, created = AgreementTemplate.objects.get_or_create(
        title=title,
        period_start=start,
        defaults={
            "period_end": end,
            "introduction_guidance": (
                "Beskriv kort virksomhedens kerneopgave, hvem I er til for, og hvad I vil have særligt fokus på i perioden."
            ),
            "goals_guidance": (
                "Få og klare mål: højst tre egne mål. Skriv for hvert mål, hvorfor det betyder noget for "
                "kerneopgaven, og hvordan I kan se, at det lykkes – gerne med en indikator."
            ),
            "follow_up_guidance": "Angiv status for hvert mål og en kort bemærkning. Notér indikatorens værdi, hvis den er målt.",
            "is_published": published,
            "published_at": timezone.now() if published else None,
        },
    )
    if created:
        for order, (goal_title, why, success) in enumerate(SHARED_GOALS):
            SharedGoal.objects.create(template=template, title=goal_title, why=why, success=success, order=order)
        year = start.year
        deadlines = [
            ("draft_due", dt.date(year - 1, 10, 1), ""),
            ("dialogue_meeting", dt.date(year - 1, 10, 20), "Dialogmøde om udkastene"),
            ("signatures_due", dt.date(year - 1, 12, 1), ""),
            ("mid_year", dt.date(year, 6, 15), ""),
            ("dialogue_meeting", dt.date(year, 9, 10), "Dialogmøde om status"),
            ("year_end", dt.date(end.year, 12, 1), ""),
        ]
        for kind, due_on, label in deadlines:
            CycleDeadline.objects.create(template=template, kind=kind, due_on=due_on, label=label)
    return template


def _leader(workplace):
    membership = (
        Membership.objects.current().filter(workplace=workplace, role=Role.WORKPLACE_LEADER).select_related("person")
    ).first()
    return membership.person if membership else None


def _centre_head(workplace):
    membership = (
        Membership.objects.current()
        .filter(centre_id=workplace.centre_id, role=Role.CENTRE_HEAD)
        .select_related("person")
        .first()
    )
    return membership.person if membership else None


def _chair(workplace):
    membership = (
        Membership.objects.current()
        .filter(committee__in=workplace.committees.all(), role=Role.COMMITTEE_CHAIR)
        .select_related("person")
        .first()
    )
    return membership.person if membership else None


def _draft(template, workplace, *, goals=2, introduction=True) -> Agreement:
    leader = _leader(workplace)
    agreement = services.agreement_start(template=template, workplace=workplace, by=leader)
    if agreement.goals.filter(kind="own").exists():
        return agreement
    if introduction:
        services.agreement_save_introduction(
            agreement=agreement,
            introduction=(
                f"{workplace.name} er en del af Bølgeby Kommune. Vi arbejder for, at alle, vi er til for, "
                "oplever kvalitet, nærvær og fællesskab. Aftalen beskriver de få mål, vi vil arbejde særligt med."
            ),
            version=agreement.version,
            by=leader,
        )
    for title, why, success, indicator, baseline, target in OWN_GOALS[:goals]:
        goal = services.goal_add(agreement=agreement, title=title, by=leader)
        goal.refresh_from_db()
        services.goal_save(
            goal=goal,
            data={
                "kind": "own",
                "title": title,
                "why": why,
                "success": success,
                "indicator_name": indicator,
                "indicator_baseline": baseline,
                "indicator_target": target,
            },
            partner_ids=[],
            version=goal.version,
            by=leader,
        )
        services.milestone_add(
            goal=goal, title="Status på dialogmødet", due_on=template.period_start + dt.timedelta(days=250), by=leader
        )
    agreement.refresh_from_db()
    return agreement


def _to_dialogue(agreement, *, comments=()) -> Agreement:
    agreement = services.agreement_send_to_dialogue(agreement=agreement, by=_leader(agreement.workplace))
    goal = agreement.goals.filter(kind="own").first()
    for author, text in comments:
        if author and goal:
            comment = services.comment_add(goal=goal, author=author, text=text)
            leader = _leader(agreement.workplace)
            if leader and not GoalComment.objects.filter(reply_to=comment).exists():
                services.comment_add(
                    goal=goal,
                    author=leader,
                    text="Tak for kommentaren – vi tager det med og uddyber det på dialogmødet.",
                    reply_to=comment,
                )
    return agreement


def _agree(agreement) -> Agreement:
    workplace = agreement.workplace
    chair = _chair(workplace)
    if chair:
        agreement = services.agreement_approve(agreement=agreement, chair=chair)
    agreement = services.agreement_sign(agreement=agreement, signer=_leader(workplace), consent=True)
    head = _centre_head(workplace)
    if head:
        agreement = services.agreement_sign(agreement=agreement, signer=head, consent=True)
    return agreement


def _follow_up(agreement, point, statuses) -> None:
    leader = _leader(agreement.workplace)
    for goal, status in zip(agreement.goals.all(), statuses, strict=False):
        services.follow_up_record(
            goal=goal,
            point=point,
            status=status,
            note="Vi er godt i gang; næste skridt aftales på dialogmødet."
            if status != FollowUp.Status.AT_RISK
            else "Forsinket på grund af personaleskift.",
            indicator_value="78 %" if goal.indicator_name else "",
            author=leader,
        )


def load(context: dict, *, stdout=None) -> None:
    # Signatures store the signer's capacity in words: write them in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        _load(context, stdout=stdout)


def _load(context: dict, *, stdout=None) -> None:
    workplaces = {workplace.name: workplace for workplace in context["workplaces"].values()}
    accounts = context["accounts"]
    current = _template("Udviklingsaftaler 2027–2028", dt.date(2027, 1, 1), dt.date(2028, 12, 31))
    older = _template("Udviklingsaftaler 2025–2026", dt.date(2025, 1, 1), dt.date(2026, 12, 31))

    # 2027–2028: the demo leader's draft at Egeskovskolen, to continue.
    _draft(current, workplaces["Egeskovskolen"], goals=2)

    # In dialogue with comments from the committee and the centre head.
    dialogue = _draft(current, workplaces["Havbakkeskolen"], goals=3)
    if dialogue.status == Agreement.Status.DRAFT:
        _to_dialogue(
            dialogue,
            comments=[
                (accounts["member"], "Hvordan vil I måle læsningen undervejs – og hvem er med til at følge op?"),
                (accounts["centre_head"], "Godt mål. Overvej at dele det med PPR som et tværgående mål."),
            ],
        )
        # One question nobody has answered yet: formand@ is warned before approving (issue 16.2).
        second = dialogue.goals.filter(kind="own").order_by("order").last()
        if second is not None and accounts.get("member"):
            services.comment_add(
                goal=second,
                author=accounts["member"],
                text="Hvornår kan udvalget se de første resultater – efter det første skoleår?",
            )
    # A cross-cutting goal with PPR, which PPR's staff see on their side.
    lyng = _draft(current, workplaces["Lyngtoftskolen"], goals=1)
    if not lyng.goals.filter(kind="cross_cutting").exists():
        leader = _leader(lyng.workplace)
        goal = services.goal_add(agreement=lyng, title="Tidlig indsats sammen med PPR", kind="cross_cutting", by=leader)
        goal.refresh_from_db()
        services.goal_save(
            goal=goal,
            data={
                "kind": "cross_cutting",
                "title": "Tidlig indsats sammen med PPR",
                "why": "Børn i vanskeligheder skal have hjælp, før problemerne vokser.",
                "success": "PPR deltager i skolens team-møder hver måned.",
                "indicator_name": "",
                "indicator_baseline": "",
                "indicator_target": "",
            },
            partner_ids=[workplaces["PPR – Pædagogisk Psykologisk Rådgivning"].pk],
            version=goal.version,
            by=leader,
        )
        _to_dialogue(lyng)

    # Agreed, with the chair's approval and both signatures.
    agreed = _draft(current, workplaces["Fjordskolen"], goals=3)
    if agreed.status == Agreement.Status.DRAFT:
        _agree(_to_dialogue(agreed, comments=[(accounts["chair"], "Fine og klare mål. Vi glæder os til dialogen.")]))

    # Approved by the chair, waiting for the leader's and the head of area's signatures:
    # the text is closed for changes, and centerchef@ is asked to sign.
    approved = _draft(current, workplaces["Strandvejsskolen"], goals=2)
    if approved.status == Agreement.Status.DRAFT:
        approved = _to_dialogue(approved)
        services.agreement_approve(agreement=approved, chair=_chair(approved.workplace))

    # A draft in another area, which the committee does not see yet.
    _draft(current, workplaces["Plejecenter Lindegården"], goals=1, introduction=False)

    # 2025–2026: active with mid-year follow-up, evaluated, archived.
    active = _draft(older, workplaces["Egeskovskolen"], goals=3)
    if active.status == Agreement.Status.DRAFT:
        active = services.agreement_activate(agreement=_agree(_to_dialogue(active)), by=_leader(active.workplace))
        _follow_up(active, FollowUp.Point.MID_YEAR, ["on_track", "at_risk", "achieved", "on_track", "on_track"])
        # A change after the agreement: revision 2, comparable with the signed revision 1.
        active.refresh_from_db()
        services.agreement_save_introduction(
            agreement=active,
            introduction=active.introduction
            + "\n\nTilføjet efter midtvejsopfølgningen: vi styrker samarbejdet med SFO.",
            version=active.version,
            by=_leader(active.workplace),
        )
    evaluated = _draft(older, workplaces["Nørre Enge Skole"], goals=2)
    if evaluated.status == Agreement.Status.DRAFT:
        evaluated = services.agreement_activate(
            agreement=_agree(_to_dialogue(evaluated)), by=_leader(evaluated.workplace)
        )
        _follow_up(evaluated, FollowUp.Point.MID_YEAR, ["on_track"] * 5)
        _follow_up(evaluated, FollowUp.Point.YEAR_END, ["achieved", "achieved", "dropped", "achieved"])
        services.agreement_evaluate(agreement=evaluated, by=_leader(evaluated.workplace))
    archived = _draft(older, workplaces["Bakkely Skole"], goals=1)
    if archived.status == Agreement.Status.DRAFT:
        archived = services.agreement_activate(agreement=_agree(_to_dialogue(archived)), by=_leader(archived.workplace))
        _follow_up(archived, FollowUp.Point.YEAR_END, ["achieved"] * 4)
        archived = services.agreement_evaluate(agreement=archived, by=_leader(archived.workplace))
        services.agreement_archive(agreement=archived, by=_leader(archived.workplace))
    if stdout:
        stdout.write(f"  {Agreement.objects.count()} development agreements in 2 periods")
