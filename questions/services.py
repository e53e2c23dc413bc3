"""Asking, handing over, answering, moving the deadline once, and agreeing to publish."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Aggregate, Count, DurationField, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import WORKPLACE_ROLES, Membership, Role, Workplace
from organisation.roles import roles_of
from outbox.services import enqueue
from portal.rawsql import Constant
from samspil import compiled
from samspil.errors import ServiceError

from .models import TEXT_LIMIT, Question
from .permissions import visible_questions
from .workflows import QUESTION

MIN_DAYS, MAX_DAYS = 2, 120


def workplaces_to_ask(user, committee_id: int):
    """The workplaces a committee the person sits on is responsible for."""
    if committee_id not in roles_of(user).committee_ids:
        return Workplace.objects.none()
    return Workplace.objects.filter(is_active=True, committees=committee_id).order_by("name")


def _check_deadline(deadline: dt.date, *, field: str = "deadline") -> None:
    today = timezone.localdate()
    if deadline < today + dt.timedelta(days=MIN_DAYS):
        raise ServiceError(_("Give the workplace at least %(days)s days to answer.") % {"days": MIN_DAYS}, field=field)
    if deadline > today + dt.timedelta(days=MAX_DAYS):
        raise ServiceError(_("Choose a deadline within %(days)s days.") % {"days": MAX_DAYS}, field=field)


def _people(workplace_ids: Iterable[int], role: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for workplace_id, person_id in (
        Membership.objects.current(timezone.localdate())
        .filter(role=role, workplace_id__in=list(workplace_ids))
        .values_list("workplace_id", "person_id")
    ):
        found.setdefault(workplace_id, []).append(person_id)
    return found


def question_ask(
    *, asker, committee_id: int, workplace_ids: list[int], text: str, deadline: dt.date, not_about_a_person: bool
) -> list[Question]:
    """One question per workplace, the text exactly as written (not even trimmed)."""
    if not text or not text.strip():
        raise ServiceError(_("Write your question."), field="text")
    if len(text) > TEXT_LIMIT:
        raise ServiceError(_("Keep the question under %(n)s characters.") % {"n": TEXT_LIMIT}, field="text")
    if not not_about_a_person:
        raise ServiceError(
            _("Confirm that the question is about the service, not about a named citizen or employee."),
            field="not_about_a_person",
        )
    _check_deadline(deadline)
    allowed = set(workplaces_to_ask(asker, committee_id).values_list("pk", flat=True))
    if not workplace_ids:
        raise ServiceError(_("Choose at least one workplace."), field="workplaces")
    if not set(workplace_ids) <= allowed:
        raise PermissionDenied("questions.ask")
    group = uuid.uuid4()
    workplaces = Workplace.objects.in_bulk(workplace_ids)
    with transaction.atomic():
        questions = Question.objects.bulk_create(
            [
                Question(
                    asker=asker,
                    committee_id=committee_id,
                    workplace_id=workplace_id,
                    group=group,
                    text=text,
                    not_about_a_person=True,
                    deadline=deadline,
                )
                for workplace_id in sorted(workplace_ids)
            ]
        )
        leaders = _people(workplace_ids, Role.WORKPLACE_LEADER)
        centre_heads: dict[int, list[int]] = {}
        centres = {w.centre_id for w in workplaces.values() if w.centre_id}
        for centre_id, person_id in (
            Membership.objects.current(timezone.localdate())
            .filter(role=Role.CENTRE_HEAD, centre_id__in=centres)
            .values_list("centre_id", "person_id")
        ):
            centre_heads.setdefault(centre_id, []).append(person_id)
        for question in questions:
            for person_id in leaders.get(question.workplace_id, []):
                enqueue(
                    family="questions.asked",
                    key=f"question:{question.pk}:asked:{person_id}",
                    recipient=person_id,
                    params={"question": question.pk},
                )
            # The centre head is copied, not a step in between.
            for person_id in centre_heads.get(workplaces[question.workplace_id].centre_id, []):
                enqueue(
                    family="questions.copied",
                    key=f"question:{question.pk}:copied:{person_id}",
                    recipient=person_id,
                    params={"question": question.pk},
                )
    return questions


def colleagues(question: Question):
    """Whom the leader may hand the question to: the workplace's current staff."""
    from django.contrib.auth import get_user_model

    ids = (
        Membership.objects.current(timezone.localdate())
        .filter(workplace_id=question.workplace_id, role__in=WORKPLACE_ROLES)
        .values("person_id")
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("full_name")


def question_hand_over(*, question: Question, by, assignee_id: int) -> Question:
    assignee = colleagues(question).filter(pk=assignee_id).first()
    if assignee is None:
        raise ServiceError(_("Choose a colleague at the workplace."), field="assignee")
    with transaction.atomic():
        QUESTION.apply(question, "hand_over", by, assignee=assignee)
        enqueue(
            family="questions.handed_over",
            key=f"question:{question.pk}:handed_over:{assignee.pk}",
            recipient=assignee,
            params={"question": question.pk, "by": by.pk},
        )
    return question


def question_answer(*, question: Question, by, answer: str) -> Question:
    if not answer or not answer.strip():
        raise ServiceError(_("Write the answer."), field="answer")
    if len(answer) > TEXT_LIMIT:
        raise ServiceError(_("Keep the answer under %(n)s characters.") % {"n": TEXT_LIMIT}, field="answer")
    with transaction.atomic():
        QUESTION.apply(question, "answer", by, answer=answer, answered_by=by, answered_at=timezone.now())
        if question.asker_id:
            enqueue(
                family="questions.answered",
                key=f"question:{question.pk}:answered:{question.asker_id}",
                recipient=question.asker_id,
                params={"question": question.pk},
            )
    return question


def question_move_deadline(*, question: Question, by, deadline: dt.date, reason: str) -> Question:
    """The workplace may renegotiate the deadline once, with a reason the asker is told."""
    if question.workplace_id not in roles_of(by).led_workplace_ids:
        raise PermissionDenied("questions.move_deadline")
    if question.is_answered:
        raise ServiceError(_("The question is answered already."), code="answered")
    if not reason.strip():
        raise ServiceError(_("Say why the workplace needs longer."), field="reason")
    if deadline <= question.deadline:
        raise ServiceError(_("Choose a later date than the current deadline."), field="deadline")
    _check_deadline(deadline)
    with transaction.atomic():
        moved = Question.objects.filter(pk=question.pk, deadline_renegotiated=False, answered_at=None).update(
            deadline=deadline, deadline_renegotiated=True, renegotiation_reason=reason.strip()
        )
        if not moved:
            raise ServiceError(_("The deadline can be renegotiated only once."), code="once")
        question.deadline, question.deadline_renegotiated, question.renegotiation_reason = deadline, True, reason
        if question.asker_id:
            enqueue(
                family="questions.deadline_moved",
                key=f"question:{question.pk}:deadline_moved:{question.asker_id}",
                recipient=question.asker_id,
                params={"question": question.pk},
            )
    return question


def question_agree_to_publish(*, question: Question, by) -> Question:
    """Both sides must agree; then the question and answer become a story draft for the
    leader's review, like any story. Until then nothing of it is public."""
    if not question.is_answered:
        raise ServiceError(_("Only an answered question can be published."), code="not_answered")
    fields = {}
    if by.pk == question.asker_id:
        fields["asker_agrees_to_publish"] = True
    if question.workplace_id in roles_of(by).led_workplace_ids:
        fields["workplace_agrees_to_publish"] = True
    if not fields:
        raise PermissionDenied("questions.publish")
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        for name, value in fields.items():
            setattr(question, name, value)
        if question.asker_agrees_to_publish and question.workplace_agrees_to_publish and question.story_id is None:
            question.story = _story_from(question)
        question.save(update_fields=[*fields, "story"])
    return question


def _story_from(question: Question):
    """The question and its answer as a story draft for the leader's review: handed to the
    stories app's own service, like any story an employee submits."""
    from stories.services import story_submit

    asker = question.asker.full_name if question.asker else _("A committee member")
    body = _("**%(asker)s asked:**\n\n%(question)s\n\n**%(answerer)s answered:**\n\n%(answer)s") % {
        "asker": asker,
        "question": question.text,
        "answerer": question.answered_by.full_name if question.answered_by else question.workplace.name,
        "answer": question.answer,
    }
    return story_submit(
        author=question.answered_by,
        workplace=question.workplace,
        title=str(_("A question from the committee"))[:160],
        summary=question.text[:280],
        body=body,
    )


class _Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5) of an interval: the middle value, or the mean of
    the two middle values (as statistics.median); NULLs are left out."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


# COUNT(status), not COUNT(id): the status is in the question_figures index (and never
# NULL), the id not.
_ANSWERED = Q(status=Constant(Question.Status.ANSWERED))
_COUNTS = {"open": Count("status", filter=~_ANSWERED), "answered": Count("status", filter=_ANSWERED)}


def _figures_query(questions):
    """The counts and the median in one row (PostgreSQL; an unanswered question's time is
    NULL, which the median leaves out). No GROUP BY: one row even where no question is
    visible."""
    median = _Median(F("answered_at") - F("asked_at"))
    return questions.order_by().values(one=Value(1)).annotate(**_COUNTS, median=median).values(*_COUNTS, "median")


def question_figures(values: dict | None) -> dict:
    """The open and answered counts and the median time from question to answer in days,
    over the questions `permissions.visibility_values` gave. On PostgreSQL one query that
    computes the median too (the leadership's 14,000 answered questions are not sent to
    Python) and reads only the question_figures index, compiled once per shape of the rule
    (samspil/compiled.py: compiling it cost more than running it); elsewhere a second
    query brings the two times."""
    if connection.vendor == "postgresql":
        row = compiled.values_rows(
            ("question figures", values is None),
            lambda stand_ins: _figures_query(visible_questions(None if values is None else stand_ins)),
            **(values or {}),
        )[0]
        median = row.pop("median")
        row["median_days"] = round(median.total_seconds() / 86400, 1) if median is not None else None
        return row
    questions = visible_questions(values).order_by()
    row = questions.aggregate(**_COUNTS)
    durations = [
        (answered_at - asked_at).total_seconds() / 86400
        for asked_at, answered_at in questions.filter(answered_at__isnull=False).values_list("asked_at", "answered_at")
    ]
    row["median_days"] = round(statistics.median(durations), 1) if durations else None
    return row
