"""Committee cases for the scale generator (devtools.management.commands.scale_data.py):
`sizes["cases"]` cases on the generated committees' meetings, each concerning one to three
of the committee's workplaces with a hearing each — answered, "no comments", open or
overridden, now and then with the fagleder speaking — so the agenda view and the hearing
figures are measured on Copenhagen-sized data (bench/bench.py)."""

from __future__ import annotations

import datetime as dt
import hashlib

from meetings.models import Meeting

from .models import Case, Hearing

ANSWER = (
    "Arbejdspladsen støtter forslaget, men beder om, at personalet inddrages i planlægningen, "
    "og at ændringen først træder i kraft efter sommerferien."
)
DIGEST = hashlib.sha256(ANSWER.encode()).hexdigest()


def build_cases(builder) -> None:
    from devtools.management.commands.scale_data import bulk

    rng, total, now = builder.rng, builder.sizes.get("cases", 0), builder.now
    if not total:
        return
    committees = builder.committees
    by_committee: dict[int, list] = {c.pk: [] for c in committees}
    for index, workplace in enumerate(builder.workplaces):
        by_committee[committees[index % len(committees)].pk].append(workplace)
    meetings = list(
        Meeting.objects.filter(committee_id__in=list(by_committee)).values_list("pk", "committee_id", "starts_at")
    )
    p = builder.progress("committee cases", total * 5)  # cases, their workplaces, their hearings
    S = Case.Status
    for start in range(0, total, 2000):
        rows, plans = [], []
        for _ in range(min(2000, total - start)):
            meeting_id, committee_id, starts = rng.choice(meetings)
            past = starts < now
            if past:
                status = S.DECIDED if rng.random() < 0.8 else S.TREATED
            else:
                status = rng.choice([S.DRAFT, S.IN_HEARING, S.IN_HEARING, S.READY])
            places = rng.sample(by_committee[committee_id], k=min(len(by_committee[committee_id]), rng.randint(1, 3)))
            opened = starts - dt.timedelta(days=rng.randint(20, 40))
            overridden = status != S.DRAFT and status != S.IN_HEARING and rng.random() < 0.05
            rows.append(
                Case(
                    committee_id=committee_id,
                    meeting_id=meeting_id,
                    title=f"Sag om {places[0].name}",
                    summary=ANSWER[:90],
                    kind=rng.choice(Case.Kind.values),
                    contact_name="Sagsbehandler",
                    status=status,
                    hearing_deadline=(starts - dt.timedelta(days=14)).date(),
                    treated_at=starts + dt.timedelta(hours=1) if past else None,
                    decided_at=starts + dt.timedelta(hours=1) if status == S.DECIDED else None,
                    decision_text="Udvalget godkender indstillingen." if status == S.DECIDED else "",
                    override_reason="Budgetfristen kunne ikke flyttes." if overridden else "",
                    override_at=starts - dt.timedelta(days=3) if overridden else None,
                    created_at=opened,
                )
            )
            plans.append((places, opened, starts, status, overridden))
        cases = bulk(Case, rows, p)
        through, hearings = [], []
        for case, (places, opened, starts, status, overridden) in zip(cases, plans, strict=True):
            for index, workplace in enumerate(places):
                through.append(Case.workplaces.through(case_id=case.pk, workplace_id=workplace.pk))
                if status == S.DRAFT:
                    continue
                closed = not (status == S.IN_HEARING or (overridden and index == 0))
                answered = closed and rng.random() < 0.85
                submitted = opened + dt.timedelta(days=rng.randint(2, 14)) if closed else None
                spoke = answered and rng.random() < 0.1
                hearings.append(
                    Hearing(
                        case=case,
                        workplace=workplace,
                        deadline=(starts - dt.timedelta(days=14)).date(),
                        opened_at=opened,
                        status=(Hearing.Status.ANSWERED if answered else Hearing.Status.NO_COMMENTS)
                        if closed
                        else Hearing.Status.OPEN,
                        answer=ANSWER if answered else "",
                        submitted_text=ANSWER if answered else "",
                        sha256=DIGEST if answered else "",
                        submitted_at=submitted,
                        speaking=Hearing.Speaking.ACCEPTED if spoke else "",
                        presenter_name="Fagleder" if spoke else "",
                        presenter_title="Fagleder" if spoke else "",
                    )
                )
        bulk(Case.workplaces.through, through, p)
        bulk(Hearing, hearings, p)
    p.close()
