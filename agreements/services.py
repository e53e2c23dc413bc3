"""Writes to development agreements. Each service owns its transaction.

Concurrent edits: a save names the version it edited and the UPDATE only matches that
version (`filter(pk=…, version=v).update(…, version=F("version") + 1)`); 0 rows means
someone saved in between, and the caller shows both texts instead of overwriting.
State changes lock the agreement row (`select_for_update`) and write a StatusChange.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Workplace
from organisation.roles import roles_of

from .models import (
    Agreement,
    AgreementTemplate,
    Approval,
    FollowUp,
    Goal,
    GoalComment,
    Milestone,
    Revision,
    StatusChange,
)

S = Agreement.Status
# A later change by the same person within this time extends their open revision,
# so autosave does not make a revision per keystroke; the agreed revision never changes.
REVISION_COLLAPSE = dt.timedelta(minutes=30)
REVISION_AGREED = "agreed"
REVISION_CHANGE = "change"


class TransitionError(ValidationError):
    """The agreement is not in a state that allows the step (someone else moved it)."""


@dataclass
class SaveResult:
    saved: bool
    current: Any  # the row as it is in the database now


# --- Starting and snapshots -------------------------------------------------------------


def agreement_start(*, template: AgreementTemplate, workplace: Workplace, by) -> Agreement:
    """Create the workplace's agreement for the period with the shared goals copied in.

    Two leaders starting at once get the same agreement (the unique constraint decides).
    """
    try:
        with transaction.atomic():
            agreement = Agreement.objects.create(template=template, workplace=workplace, created_by=by)
            Goal.objects.bulk_create(
                Goal(
                    agreement=agreement,
                    kind=Goal.Kind.SHARED,
                    shared_goal=shared,
                    title=shared.title,
                    why=shared.why,
                    success=shared.success,
                    order=index,
                )
                for index, shared in enumerate(template.shared_goals.all())
            )
            StatusChange.objects.create(agreement=agreement, by=by, from_status="", to_status=S.DRAFT)
            return agreement
    except IntegrityError:
        return Agreement.objects.get(template=template, workplace=workplace)


def snapshot(agreement: Agreement) -> dict:
    """The agreement's text as plain data: what a revision freezes and the diff compares."""
    goals = agreement.goals.prefetch_related("milestones", "partners").order_by("order", "pk")
    return {
        "workplace": agreement.workplace.name,
        "period": agreement.template.period_label,
        "introduction": agreement.introduction,
        "goals": [
            {
                "kind": goal.kind,
                "title": goal.title,
                "why": goal.why,
                "success": goal.success,
                "indicator_name": goal.indicator_name,
                "indicator_baseline": goal.indicator_baseline,
                "indicator_target": goal.indicator_target,
                "milestones": [{"title": m.title, "due_on": m.due_on.isoformat()} for m in goal.milestones.all()],
                "partners": sorted(p.name for p in goal.partners.all()),
            }
            for goal in goals
        ],
    }


def _after_text_change(agreement_id: int, by) -> None:
    """Touch the agreement; after agreement, keep the change as a new revision."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    Agreement.objects.filter(pk=agreement_id).update(updated_at=timezone.now())
    if agreement.status not in (S.AGREED, S.ACTIVE):
        return
    latest = agreement.revisions.order_by("-number").first()
    now = timezone.now()
    data = snapshot(agreement)
    if (
        latest is not None
        and latest.note == REVISION_CHANGE
        and latest.created_by_id == getattr(by, "pk", None)
        and now - latest.created_at < REVISION_COLLAPSE
    ):
        Revision.objects.filter(pk=latest.pk).update(snapshot=data, created_at=now)
        return
    number = (latest.number if latest else 0) + 1
    Revision.objects.create(agreement=agreement, number=number, snapshot=data, created_by=by, note=REVISION_CHANGE)
    Agreement.objects.filter(pk=agreement_id).update(revision_number=number)


# --- Editing with optimistic concurrency -------------------------------------------------


def agreement_save_introduction(*, agreement: Agreement, introduction: str, version: int, by) -> SaveResult:
    with transaction.atomic():
        saved = Agreement.objects.filter(pk=agreement.pk, version=version, status__in=Agreement.EDITABLE).update(
            introduction=introduction, version=F("version") + 1
        )
        if saved:
            _after_text_change(agreement.pk, by)
    return SaveResult(bool(saved), Agreement.objects.get(pk=agreement.pk))


GOAL_TEXT_FIELDS = ("kind", "title", "why", "success", "indicator_name", "indicator_baseline", "indicator_target")


def goal_save(*, goal: Goal, data: dict, partner_ids: list[int], version: int, by) -> SaveResult:
    fields = {name: data[name] for name in GOAL_TEXT_FIELDS if name in data}
    with transaction.atomic():
        # The status is checked on the locked agreement, not as a join in the UPDATE: Django
        # turns a join into `WHERE id IN (subquery)`, which PostgreSQL does not re-check after
        # waiting for a concurrent update, and measured 9 of 10 racing saves "won".
        agreement = Agreement.objects.select_for_update().get(pk=goal.agreement_id)
        if agreement.status not in Agreement.EDITABLE:
            raise TransitionError(_("The agreement can no longer be changed."))
        saved = Goal.objects.filter(pk=goal.pk, version=version).update(**fields, version=F("version") + 1)
        if saved:
            current = Goal.objects.get(pk=goal.pk)
            current.partners.set(partner_ids if current.kind == Goal.Kind.CROSS_CUTTING else [])
            _after_text_change(goal.agreement_id, by)
    return SaveResult(bool(saved), Goal.objects.get(pk=goal.pk))


def goal_add(*, agreement: Agreement, title: str, kind: str = Goal.Kind.OWN, by) -> Goal:
    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=agreement.pk)
        last = agreement.goals.aggregate(last=Max("order"))["last"]
        goal = Goal.objects.create(agreement=agreement, title=title, kind=kind, order=(last or 0) + 1)
        _after_text_change(agreement.pk, by)
    return goal


def goal_delete(*, goal: Goal, by) -> None:
    with transaction.atomic():
        agreement_id = goal.agreement_id
        goal.delete()
        _after_text_change(agreement_id, by)


def goal_move(*, goal: Goal, direction: str, by) -> None:
    """Swap the goal with its neighbour ("up" or "down"); the order is renumbered 1…n."""
    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=goal.agreement_id)
        goals = list(Goal.objects.filter(agreement_id=goal.agreement_id).order_by("order", "pk"))
        index = next(i for i, g in enumerate(goals) if g.pk == goal.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(goals):
            goals[index], goals[other] = goals[other], goals[index]
        for position, item in enumerate(goals, start=1):
            item.order = position
        Goal.objects.bulk_update(goals, ["order"])
        _after_text_change(goal.agreement_id, by)


def milestone_add(*, goal: Goal, title: str, due_on: dt.date, by) -> Milestone:
    with transaction.atomic():
        milestone = Milestone.objects.create(goal=goal, title=title, due_on=due_on)
        _after_text_change(goal.agreement_id, by)
    return milestone


def milestone_delete(*, milestone: Milestone, by) -> None:
    with transaction.atomic():
        agreement_id = milestone.goal.agreement_id
        milestone.delete()
        _after_text_change(agreement_id, by)


def comment_add(*, goal: Goal, author, text: str, reply_to: GoalComment | None = None) -> GoalComment:
    if reply_to is not None and reply_to.goal_id != goal.pk:
        reply_to = None
    return GoalComment.objects.create(goal=goal, author=author, text=text, reply_to=reply_to)


# --- Workflow ------------------------------------------------------------------------------


def _transition(*, agreement: Agreement, allowed: tuple, to: str, by, **updates) -> Agreement:
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.status not in allowed:
        raise TransitionError(
            _("The agreement is %(status)s, so this step is not possible.") % {"status": locked.get_status_display()}
        )
    Agreement.objects.filter(pk=locked.pk).update(status=to, updated_at=timezone.now(), **updates)
    StatusChange.objects.create(agreement=locked, by=by, from_status=locked.status, to_status=to)
    locked.refresh_from_db()
    return locked


def agreement_send_to_dialogue(*, agreement: Agreement, by) -> Agreement:
    with transaction.atomic():
        if not agreement.goals.exists():
            raise TransitionError(_("Add at least one goal before the dialogue."))
        return _transition(agreement=agreement, allowed=(S.DRAFT,), to=S.IN_DIALOGUE, by=by)


def required_signatures(agreement: Agreement) -> list[str]:
    kinds = [Approval.Kind.CHAIR, Approval.Kind.LEADER]
    if agreement.workplace.centre_id:
        kinds.append(Approval.Kind.CENTRE_HEAD)
    return kinds


def _record_approval(*, agreement: Agreement, kind: str, person, capacity: str) -> Agreement:
    """One approval or signature; the last one needed makes the agreement agreed."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != S.IN_DIALOGUE:
            raise TransitionError(_("Only an agreement in dialogue can be approved and signed."))
        Approval.objects.get_or_create(
            agreement=locked, kind=kind, round=0, defaults={"person": person, "capacity": capacity}
        )
        done = set(Approval.objects.filter(agreement=locked, round=0).values_list("kind", flat=True))
        if set(required_signatures(agreement)) <= done:
            now = timezone.now()
            locked = _transition(agreement=locked, allowed=(S.IN_DIALOGUE,), to=S.AGREED, by=person, agreed_at=now)
            Revision.objects.create(
                agreement=locked, number=1, snapshot=snapshot(locked), created_by=person, note=REVISION_AGREED
            )
            Agreement.objects.filter(pk=locked.pk).update(revision_number=1)
            locked.refresh_from_db()
        return locked


def agreement_approve(*, agreement: Agreement, chair) -> Agreement:
    committees = [c for c in agreement.workplace.committees.all() if c.pk in roles_of(chair).chaired_committee_ids]
    if not committees:
        raise TransitionError(_("Only the chair of a responsible committee approves."))
    capacity = _("Chair, %(committee)s") % {"committee": committees[0].name}
    return _record_approval(agreement=agreement, kind=Approval.Kind.CHAIR, person=chair, capacity=capacity)


def agreement_sign(*, agreement: Agreement, signer) -> Agreement:
    roles = roles_of(signer)
    if agreement.workplace_id in roles.led_workplace_ids:
        kind = Approval.Kind.LEADER
        capacity = _("Leader, %(workplace)s") % {"workplace": agreement.workplace.name}
    elif agreement.workplace.centre_id in roles.headed_centre_ids:
        kind = Approval.Kind.CENTRE_HEAD
        capacity = _("Head of area, %(centre)s") % {"centre": agreement.workplace.centre.name}
    else:
        raise TransitionError(_("Only the workplace leader and the head of area sign."))
    return _record_approval(agreement=agreement, kind=kind, person=signer, capacity=capacity)


def agreement_activate(*, agreement: Agreement, by) -> Agreement:
    with transaction.atomic():
        return _transition(agreement=agreement, allowed=(S.AGREED,), to=S.ACTIVE, by=by)


def agreement_evaluate(*, agreement: Agreement, by) -> Agreement:
    """Evaluated: every goal has its final (year-end) status."""
    with transaction.atomic():
        missing = agreement.goals.exclude(follow_ups__point=FollowUp.Point.YEAR_END).count()
        if missing:
            raise TransitionError(_("Record the year-end status of every goal before the evaluation is closed."))
        return _transition(agreement=agreement, allowed=(S.ACTIVE,), to=S.EVALUATED, by=by)


def agreement_archive(*, agreement: Agreement, by) -> Agreement:
    with transaction.atomic():
        return _transition(agreement=agreement, allowed=(S.EVALUATED,), to=S.ARCHIVED, by=by)


def follow_up_record(*, goal: Goal, point: str, status: str, note: str, indicator_value: str, author) -> FollowUp:
    """The leader's status for one goal at one point; recording again replaces it."""
    with transaction.atomic():
        follow_up, _created = FollowUp.objects.update_or_create(
            goal=goal,
            point=point,
            defaults={
                "status": status,
                "note": note,
                "indicator_value": indicator_value,
                "author": author,
                "recorded_at": timezone.now(),
            },
        )
    return follow_up


# --- Deadline reminders ------------------------------------------------------------------------

# Which agreements a deadline concerns, and who is reminded.
REMINDER_STATUSES = {
    "draft_due": (S.DRAFT,),
    "signatures_due": (S.IN_DIALOGUE,),
    "mid_year": (S.AGREED, S.ACTIVE),
    "year_end": (S.ACTIVE,),
    "dialogue_meeting": (S.IN_DIALOGUE, S.AGREED, S.ACTIVE),
}


def deadline_reminders_due(*, today: dt.date) -> list[int]:
    """Enqueue the email for every deadline whose reminder window is open today.

    One outbox row per (agreement, deadline, person) key, however often beat runs
    (outbox/services.py); returns how many were offered.
    """
    from organisation.models import Membership, Role

    from .models import CycleDeadline

    deadlines = CycleDeadline.objects.filter(
        due_on__gte=today, due_on__lte=today + dt.timedelta(days=60), template__is_published=True
    )
    rows = []
    for deadline in deadlines:
        if (deadline.due_on - today).days > deadline.remind_days_before:
            continue
        agreements = list(
            Agreement.objects.filter(
                template_id=deadline.template_id, status__in=REMINDER_STATUSES[deadline.kind]
            ).select_related("workplace")
        )
        if not agreements:
            continue
        workplace_ids = {a.workplace_id for a in agreements}
        leaders: dict[int, set[int]] = {}
        for person_id, workplace_id in (
            Membership.objects.current(today)
            .filter(role=Role.WORKPLACE_LEADER, workplace_id__in=workplace_ids)
            .values_list("person_id", "workplace_id")
        ):
            leaders.setdefault(workplace_id, set()).add(person_id)
        heads: dict[int, set[int]] = {}
        if deadline.kind == "signatures_due":
            centre_ids = {a.workplace.centre_id for a in agreements if a.workplace.centre_id}
            for person_id, centre_id in (
                Membership.objects.current(today)
                .filter(role=Role.CENTRE_HEAD, centre_id__in=centre_ids)
                .values_list("person_id", "centre_id")
            ):
                heads.setdefault(centre_id, set()).add(person_id)
        for agreement in agreements:
            people = leaders.get(agreement.workplace_id, set()) | heads.get(agreement.workplace.centre_id, set())
            rows.extend(
                {
                    "family": DEADLINE_FAMILY,
                    "key": f"{DEADLINE_FAMILY}:{agreement.pk}:{deadline.pk}:{person_id}",
                    "recipient": person_id,
                    "params": {"agreement": agreement.pk, "deadline": deadline.pk},
                }
                for person_id in sorted(people)
            )
    from outbox.services import enqueue_many

    return enqueue_many(rows) if rows else 0


DEADLINE_FAMILY = "agreements.deadline_reminder"


def build_deadline_reminder(row):
    """The email for one outbox row (outbox/families.py), or why it is not needed."""
    from samspil.mail import build_templated_mail

    from .models import CycleDeadline

    agreement = Agreement.objects.select_related("workplace", "template").filter(pk=row.params["agreement"]).first()
    deadline = CycleDeadline.objects.filter(pk=row.params["deadline"]).first()
    person = row.recipient
    if agreement is None or deadline is None:
        return "the agreement or the deadline was deleted"
    if person is None or not person.email:
        return "no email address"
    return build_templated_mail(
        "agreements/email/deadline_reminder",
        to=person.email,
        context={"person": person, "deadline": deadline, "agreement": agreement},
    )
