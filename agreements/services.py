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

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import kinds
from notifications.recipients import POLITICIANS, people_of_workplace
from notifications.services import notify
from organisation.models import Role, Workplace
from organisation.roles import roles_of
from samspil.errors import Conflict, ServiceError

from . import workflows
from .models import (
    SIGNED_REVISION_NOTE,
    Agreement,
    AgreementTemplate,
    Approval,
    FollowUp,
    Goal,
    GoalComment,
    Milestone,
    Revision,
    StatusChange,
    text_sha256,
)
from .workflows import AGREEMENT, EDITABLE_STATES, forget_approvals

S = Agreement.Status
# A later change by the same person within this time extends their open revision,
# so autosave does not make a revision per keystroke; the agreed revision never changes.
REVISION_COLLAPSE = dt.timedelta(minutes=30)
REVISION_AGREED = SIGNED_REVISION_NOTE
REVISION_CHANGE = "change"


class TransitionError(ServiceError):
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


def snapshot(agreement: Agreement, goals: list[Goal] | None = None) -> dict:
    """The agreement's text as plain data: what a revision freezes and the diff compares.
    `goals`: already loaded in order with milestones and partners (the detail page's)."""
    if goals is None:
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
    if not agreement.revision_number:  # before agreement there is no signed text to compare with
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
        Revision.objects.filter(pk=latest.pk).update(snapshot=data, created_at=now, text_sha256=text_sha256(data))
        return
    number = (latest.number if latest else 0) + 1
    Revision.objects.create(
        agreement=agreement,
        number=number,
        snapshot=data,
        created_by=by,
        note=REVISION_CHANGE,
        text_sha256=text_sha256(data),
    )
    Agreement.objects.filter(pk=agreement_id).update(revision_number=number)


# --- Editing with optimistic concurrency -------------------------------------------------


def _lock_editable(agreement_id: int) -> Agreement:
    """Lock the agreement and refuse unless its text may change (the table's "edit" states):
    from the chair's approval until the last signature the approved text stays as it is."""
    # The status is checked on the locked agreement, not as a join in the UPDATE: Django
    # turns a join into `WHERE id IN (subquery)`, which PostgreSQL does not re-check after
    # waiting for a concurrent update, and measured 9 of 10 racing saves "won".
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    if agreement.status not in EDITABLE_STATES:
        raise TransitionError(_("The agreement can no longer be changed."), code="not_editable")
    return agreement


def agreement_save_introduction(*, agreement: Agreement, introduction: str, version: int, by) -> SaveResult:
    with transaction.atomic():
        saved = Agreement.objects.filter(pk=agreement.pk, version=version, status__in=EDITABLE_STATES).update(
            introduction=introduction, version=F("version") + 1
        )
        if saved:
            _after_text_change(agreement.pk, by)
    return SaveResult(bool(saved), Agreement.objects.get(pk=agreement.pk))


GOAL_TEXT_FIELDS = ("kind", "title", "why", "success", "indicator_name", "indicator_baseline", "indicator_target")


def goal_save(*, goal: Goal, data: dict, partner_ids: list[int], version: int, by) -> SaveResult:
    fields = {name: data[name] for name in GOAL_TEXT_FIELDS if name in data}
    with transaction.atomic():
        _lock_editable(goal.agreement_id)
        saved = Goal.objects.filter(pk=goal.pk, version=version).update(**fields, version=F("version") + 1)
        if saved:
            current = Goal.objects.get(pk=goal.pk)
            current.partners.set(partner_ids if current.kind == Goal.Kind.CROSS_CUTTING else [])
            _after_text_change(goal.agreement_id, by)
    return SaveResult(bool(saved), Goal.objects.get(pk=goal.pk))


def goal_add(*, agreement: Agreement, title: str, kind: str = Goal.Kind.OWN, by) -> Goal:
    with transaction.atomic():
        _lock_editable(agreement.pk)
        last = agreement.goals.aggregate(last=Max("order"))["last"]
        goal = Goal.objects.create(agreement=agreement, title=title, kind=kind, order=(last or 0) + 1)
        _after_text_change(agreement.pk, by)
    return goal


def goal_delete(*, goal: Goal, by) -> None:
    with transaction.atomic():
        agreement_id = goal.agreement_id
        _lock_editable(agreement_id)
        goal.delete()
        _after_text_change(agreement_id, by)


def goal_move(*, goal: Goal, direction: str, by) -> None:
    """Swap the goal with its neighbour ("up" or "down"); the order is renumbered 1…n."""
    with transaction.atomic():
        _lock_editable(goal.agreement_id)
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
        _lock_editable(goal.agreement_id)
        milestone = Milestone.objects.create(goal=goal, title=title, due_on=due_on)
        _after_text_change(goal.agreement_id, by)
    return milestone


def milestone_delete(*, milestone: Milestone, by) -> None:
    with transaction.atomic():
        agreement_id = milestone.goal.agreement_id
        _lock_editable(agreement_id)
        milestone.delete()
        _after_text_change(agreement_id, by)


def comment_add(*, goal: Goal, author, text: str, reply_to: GoalComment | None = None) -> GoalComment:
    if reply_to is not None and reply_to.goal_id != goal.pk:
        reply_to = None
    with transaction.atomic():
        comment = GoalComment.objects.create(goal=goal, author=author, text=text, reply_to=reply_to)
        _tell_about_comment(comment)
    return comment


# --- Telling the people each step concerns (notifications/) ----------------------------


def _agreement_link(agreement: Agreement, anchor: str = "") -> str:
    return reverse("agreements:detail", args=[agreement.pk]) + anchor


def _tell(agreement: Agreement, kind: str, recipients, *, event: str, by, **params) -> None:
    notify(
        recipients,
        kind,
        event=f"agreement:{agreement.pk}:{event}",
        link=_agreement_link(agreement, params.pop("anchor", "")),
        params={"workplace": agreement.workplace.name, **params},
        actor=by,
        obj=agreement,
    )


def _tell_about_comment(comment: GoalComment) -> None:
    """The workplace's leaders, and the author of the comment answered."""
    goal = comment.goal
    agreement = Agreement.objects.select_related("workplace").get(pk=goal.agreement_id)
    recipients = list(people_of_workplace(agreement.workplace, workplace_roles=(Role.WORKPLACE_LEADER,)))
    if comment.reply_to is not None and comment.reply_to.author is not None:
        recipients.append(comment.reply_to.author)
    _tell(
        agreement,
        kinds.AGREEMENT_COMMENT,
        recipients,
        event=f"comment:{comment.pk}",
        by=comment.author,
        goal=goal.title,
        anchor=f"#goal-{goal.pk}",
    )


# --- Workflow ------------------------------------------------------------------------------
# Every step goes through the table in workflows.py: `AGREEMENT.apply` checks the state and
# the person and moves the state with a conditional UPDATE; here the step's own effects.


def _lock(agreement: Agreement) -> Agreement:
    """The agreement row locked for the step, with what the predicates read."""
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("workplace__centre")
        .prefetch_related("workplace__committees")
        .get(pk=agreement.pk)
    )


def _move(locked: Agreement, action: str, by, **changes) -> Agreement:
    """Take a state-changing action and keep its line in the history."""
    before = locked.status
    AGREEMENT.apply(locked, action, by, updated_at=timezone.now(), **changes)
    if locked.status != before:
        locked.last_change = StatusChange.objects.create(
            agreement=locked, by=by, from_status=before, to_status=locked.status
        )
    return locked


def current_text_sha256(agreement: Agreement, goals: list[Goal] | None = None) -> str:
    """The SHA-256 of the agreement's text as it is now (what an approval would cover)."""
    return text_sha256(snapshot(agreement, goals))


def _check_text(locked: Agreement, seen_sha256: str | None) -> str:
    """The hash of the text now; refuse when the person approved a text they did not see."""
    current = current_text_sha256(locked)
    if seen_sha256 is not None and seen_sha256 != current:
        raise Conflict(
            _("The text changed after you opened the agreement. Read it again before you approve or sign."),
            current=locked,
            code="text_changed",
        )
    return current


def agreement_send_to_dialogue(*, agreement: Agreement, by) -> Agreement:
    with transaction.atomic():
        locked = _lock(agreement)
        AGREEMENT.check(locked, "send_to_dialogue", by)
        if not locked.goals.exists():
            raise TransitionError(_("Add at least one goal before the dialogue."), code="no_goals")
        _move(locked, "send_to_dialogue", by)
        # The committee's politicians read and comment; the head of area follows it.
        _tell(
            locked,
            kinds.AGREEMENT_DIALOGUE,
            people_of_workplace(locked.workplace, committee_roles=POLITICIANS, centre_head=True),
            event=f"dialogue:{locked.last_change.pk}",
            by=by,
        )
        return locked


def required_signatures(agreement: Agreement) -> list[str]:
    return workflows.required_signatures(agreement)


def agreement_approve(
    *, agreement: Agreement, chair, text_sha256: str | None = None, approve_anyway: bool = False
) -> Agreement:
    """The chair approves the text as it is (optionally: as the chair saw it, by its hash).
    From here the text is refused changes until the agreement is agreed.

    A comment in the dialogue that nobody answered holds the approval back unless the chair
    says `approve_anyway` (the confirmation page lists those comments first)."""
    from .selectors import unanswered_comments

    with transaction.atomic():
        locked = _lock(agreement)
        AGREEMENT.check(locked, "approve", chair)
        digest = _check_text(locked, text_sha256)
        if not approve_anyway and unanswered_comments(locked):
            raise ServiceError(
                _(
                    "Some comments have not been answered. Read them, and tick “Approve anyway” to approve all the same."
                ),
                field="approve_anyway",
                code="unanswered_comments",
            )
        committees = [c for c in locked.workplace.committees.all() if c.pk in roles_of(chair).chaired_committee_ids]
        capacity = _("Chair, %(committee)s") % {"committee": committees[0].name}
        _move(locked, "approve", chair)
        approval = Approval.objects.create(
            agreement=locked, kind=Approval.Kind.CHAIR, round=0, person=chair, capacity=capacity, text_sha256=digest
        )
        forget_approvals(locked)
        # Those who sign next: the leader and the head of area.
        _tell(
            locked,
            kinds.AGREEMENT_APPROVED,
            people_of_workplace(locked.workplace, workplace_roles=(Role.WORKPLACE_LEADER,), centre_head=True),
            event=f"approved:{approval.pk}",
            by=chair,
        )
        return locked


def agreement_withdraw_approval(*, agreement: Agreement, chair) -> Agreement:
    """The chair takes the approval back (before anyone signed) so the text can change again."""
    with transaction.atomic():
        locked = _lock(agreement)
        transition = AGREEMENT.check(locked, "withdraw_approval", chair)
        _move(locked, "withdraw_approval", chair)
        if "approval" in transition.voids:
            Approval.objects.filter(agreement=locked, round=0, kind=Approval.Kind.CHAIR).delete()
        forget_approvals(locked)
        return locked


def agreement_sign(*, agreement: Agreement, signer, consent: bool, text_sha256: str | None = None) -> Agreement:
    """One signature on the approved text; the last one makes the agreement agreed and
    freezes that text as revision 1, with the hash every approval and signature names.

    `consent`: the signer ticked "I have read the agreement and sign it" — required, as
    for the code of conduct (codex.services.signature_create)."""
    if not consent:
        raise ServiceError(
            _("Tick the box to confirm that you have read the agreement and sign it."),
            field="consent",
            code="no_consent",
        )
    with transaction.atomic():
        locked = _lock(agreement)
        AGREEMENT.check(locked, "sign", signer)
        digest = _check_text(locked, text_sha256)
        kind = workflows.signing_kind(signer, locked)
        if kind == Approval.Kind.LEADER:
            capacity = _("Leader, %(workplace)s") % {"workplace": locked.workplace.name}
        else:
            capacity = _("Head of area, %(centre)s") % {"centre": locked.workplace.centre.name}
        AGREEMENT.apply(locked, "sign", signer)
        signature = Approval.objects.create(
            agreement=locked, kind=kind, round=0, person=signer, capacity=capacity, text_sha256=digest
        )
        forget_approvals(locked)
        if AGREEMENT.is_available(signer, locked, "agree"):
            covered = {a.text_sha256 for a in workflows.approvals_of(locked).values()}
            if covered != {digest}:
                # Cannot happen while the text is refused changes after approval; if it ever
                # does, nobody's signature is put under a text they did not sign.
                raise TransitionError(_("The approval and the signatures cover different texts."), code="text_changed")
            now = timezone.now()
            _move(locked, "agree", signer, agreed_at=now, revision_number=1)
            Revision.objects.create(
                agreement=locked,
                number=1,
                snapshot=snapshot(locked),
                created_by=signer,
                note=REVISION_AGREED,
                text_sha256=digest,
            )
            # The last signature: everyone the agreement concerns hears it is agreed.
            _tell(
                locked,
                kinds.AGREEMENT_AGREED,
                people_of_workplace(
                    locked.workplace,
                    committee_roles=POLITICIANS,
                    workplace_roles=(Role.WORKPLACE_LEADER,),
                    centre_head=True,
                ),
                event="agreed",
                by=signer,
            )
        else:
            # The chair who approved and the other signers.
            _tell(
                locked,
                kinds.AGREEMENT_SIGNED,
                people_of_workplace(
                    locked.workplace,
                    committee_roles=(Role.COMMITTEE_CHAIR,),
                    workplace_roles=(Role.WORKPLACE_LEADER,),
                    centre_head=True,
                ),
                event=f"signed:{signature.pk}",
                by=signer,
            )
        locked.refresh_from_db()
        return locked


def agreement_activate(*, agreement: Agreement, by) -> Agreement:
    with transaction.atomic():
        return _move(_lock(agreement), "activate", by)


def agreement_evaluate(*, agreement: Agreement, by) -> Agreement:
    """Evaluated: every goal has its final (year-end) status."""
    with transaction.atomic():
        locked = _lock(agreement)
        AGREEMENT.check(locked, "evaluate", by)
        missing = locked.goals.exclude(follow_ups__point=FollowUp.Point.YEAR_END).count()
        if missing:
            raise TransitionError(
                _("Record the year-end status of every goal before the evaluation is closed."), code="follow_up_missing"
            )
        return _move(locked, "evaluate", by)


def agreement_archive(*, agreement: Agreement, by) -> Agreement:
    with transaction.atomic():
        return _move(_lock(agreement), "archive", by)


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

# Which agreements a deadline concerns: those in a state where its step is still to take
# (the table's sources), so signatures are due while in dialogue and once approved.
REMINDER_STATUSES = {
    "draft_due": AGREEMENT.sources_allowing("send_to_dialogue"),
    "signatures_due": AGREEMENT.sources_allowing("approve", "sign"),
    "mid_year": AGREEMENT.sources_allowing("follow_up"),
    "year_end": AGREEMENT.sources_allowing("evaluate"),
    "dialogue_meeting": AGREEMENT.sources_allowing("comment"),
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
