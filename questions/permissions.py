"""Who may ask, read and answer questions.

Asking: committee members and chairs, of workplaces their committee is responsible for.
Reading: the asker, the committee the question was asked from (the whole committee sees
question and answer), the workplace's staff (it sees what it has been asked), the colleague
it was handed to, the centre head (copied), and the leadership. Never public.
Answering: the workplace's leader, or the colleague the leader handed it to.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from organisation.models import Workplace
from organisation.permissions import is_leadership
from organisation.roles import roles_of
from samspil.access import get_object_for_user

from .models import Question


def visibility_values(user) -> dict[str, int | list[int]] | None:
    """What the one rule for lists and pages reads of `user`: their id and the committees
    and workplaces whose questions they see (sorted ids; a branch the person lacks is left
    out); None means everything (the leadership)."""
    roles = roles_of(user)
    if roles.is_leadership:
        return None
    values: dict[str, int | list[int]] = {"person": user.pk}
    if roles.committee_ids:
        values["committees"] = sorted(roles.committee_ids)
    # A centre head's workplaces are looked up first (one query): as a join or a subquery
    # they made PostgreSQL scan every question (15 ms at 20,000).
    workplaces = set(roles.staff_workplace_ids | roles.led_workplace_ids)
    if roles.headed_centre_ids:
        workplaces.update(Workplace.objects.filter(centre_id__in=roles.headed_centre_ids).values_list("pk", flat=True))
    if workplaces:
        values["workplaces"] = sorted(workplaces)
    return values


def visibility_rule(values: dict) -> Q:
    """The rule over `visibility_values`: the asker, the colleague it was handed to, the
    committee it was asked from, the workplace asked. Only the branches the person has,
    each one an index can answer."""
    rule = Q(asker_id=values["person"]) | Q(assignee_id=values["person"])
    if "committees" in values:
        rule |= Q(committee_id__in=values["committees"])
    if "workplaces" in values:
        rule |= Q(workplace_id__in=values["workplaces"])
    return rule


def visible_questions(values: dict | None) -> QuerySet[Question]:
    """The questions `visibility_values` lets a person read."""
    return Question.objects.all() if values is None else Question.objects.filter(visibility_rule(values))


@rules.predicate
def may_ask(user) -> bool:
    return bool(roles_of(user).committee_ids)


@rules.predicate
def sees_question(user, question) -> bool:
    if question is None or not user.is_authenticated:
        return False
    roles = roles_of(user)
    return (
        question.asker_id == user.pk
        or question.assignee_id == user.pk
        or question.committee_id in roles.committee_ids
        or question.workplace_id in (roles.staff_workplace_ids | roles.led_workplace_ids)
        or question.workplace.centre_id in roles.headed_centre_ids
    )


@rules.predicate
def leads_asked_workplace(user, question) -> bool:
    return question is not None and question.workplace_id in roles_of(user).led_workplace_ids


@rules.predicate
def is_assignee(user, question) -> bool:
    return question is not None and question.assignee_id == user.pk


@rules.predicate
def asked_it(user, question) -> bool:
    return question is not None and question.asker_id == user.pk


rules.add_perm("questions.ask_question", may_ask)
rules.add_perm("questions.view_question", is_leadership | sees_question)


def get_question_for_user(user, pk: int) -> Question:
    return get_object_for_user(
        user,
        Question.objects.select_related("asker", "committee", "workplace", "assignee", "answered_by"),
        view_perm="questions.view_question",
        pk=pk,
    )
