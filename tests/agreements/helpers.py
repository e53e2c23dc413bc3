"""Agreements in a given state, built through the services like a user would."""

from __future__ import annotations

import datetime as dt

from agreements import services
from agreements.drafting import GOAL_FIELDS
from agreements.models import Agreement, AgreementTemplate, CycleDeadline, FollowUp, Goal, SharedGoal


def make_template(*, start=dt.date(2027, 1, 1), end=dt.date(2028, 12, 31), shared=1, **extra) -> AgreementTemplate:
    template = AgreementTemplate.objects.create(
        title=f"Udviklingsaftaler {start.year}–{end.year}",
        period_start=start,
        period_end=end,
        is_published=True,
        introduction_guidance="Skriv om kerneopgaven.",
        **extra,
    )
    for n in range(shared):
        SharedGoal.objects.create(template=template, title=f"Fælles mål {n + 1}", why="Fordi det er fælles.", order=n)
    CycleDeadline.objects.create(template=template, kind="draft_due", due_on=dt.date(start.year - 1, 10, 1))
    CycleDeadline.objects.create(template=template, kind="mid_year", due_on=dt.date(start.year, 6, 15))
    return template


def make_agreement(org, status: str = Agreement.Status.DRAFT, *, goals: int = 1, template=None) -> Agreement:
    template = template or make_template()
    agreement = services.agreement_start(template=template, workplace=org.workplace, by=org.leader)
    for n in range(goals):
        services.goal_add(agreement=agreement, title=f"Eget mål {n + 1}", by=org.leader)
    order = [
        Agreement.Status.DRAFT,
        Agreement.Status.IN_DIALOGUE,
        Agreement.Status.APPROVED,
        Agreement.Status.AGREED,
        Agreement.Status.ACTIVE,
        Agreement.Status.EVALUATED,
        Agreement.Status.ARCHIVED,
    ]
    target = order.index(status)
    if target >= 1:
        agreement = services.agreement_send_to_dialogue(agreement=agreement, by=org.leader)
    if target >= 2:
        agreement = services.agreement_approve(agreement=agreement, chair=org.chair)
    if target >= 3:
        services.agreement_sign(agreement=agreement, signer=org.leader, consent=True)
        agreement = services.agreement_sign(agreement=agreement, signer=org.centre_head, consent=True)
    if target >= 4:
        agreement = services.agreement_activate(agreement=agreement, by=org.leader)
    if target >= 5:
        for goal in agreement.goals.all():
            services.follow_up_record(
                goal=goal,
                point=FollowUp.Point.YEAR_END,
                status=FollowUp.Status.ACHIEVED,
                note="",
                indicator_value="",
                author=org.leader,
            )
        agreement = services.agreement_evaluate(agreement=agreement, by=org.leader)
    if target >= 6:
        agreement = services.agreement_archive(agreement=agreement, by=org.leader)
    return Agreement.objects.get(pk=agreement.pk)


def own_goal(agreement) -> Goal:
    return agreement.goals.filter(kind=Goal.Kind.OWN).order_by("order").first()


def goal_post(goal: Goal, **changes) -> dict:
    """The goal form as the browser posts it (each field with its version), with changes."""
    prefix = f"goal-{goal.pk}"
    data = {
        "kind": goal.kind,
        "title": goal.title,
        "why": goal.why,
        "success": goal.success,
        "indicator_name": goal.indicator_name,
        "indicator_baseline": goal.indicator_baseline,
        "indicator_target": goal.indicator_target,
        **{f"{name}_version": getattr(goal, f"{name}_version") for name in GOAL_FIELDS},
        **changes,
    }
    partners = data.pop("partners", [])
    result = {f"{prefix}-{key}": value for key, value in data.items()}
    if partners:
        result[f"{prefix}-partners"] = partners
    return result


def confirmed(agreement, step: str, **extra) -> dict:
    """What a step's confirmation page posts when its box is ticked (issue 16.2): the box,
    and for approving and signing the hash of the text the page showed."""
    agreement = Agreement.objects.get(pk=agreement.pk)
    data = {"consent": "on"} if step == "sign" else {"confirm": "on"}
    if step in ("approve", "sign"):
        data["text_sha256"] = services.current_text_sha256(agreement)
    return {**data, **extra}
