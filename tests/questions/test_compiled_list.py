"""The questions list reads its page and its figures through statements compiled once per
shape of the reader's rule (samspil/compiled.py): for every role, and for a second reader
whose rule has the same shape (so the statement compiled for the first is reused), the list
shows what the plain querysets give."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from questions import views
from questions.models import Question
from questions.permissions import visibility_rule, visibility_values
from questions.services import question_answer
from tests.questions.helpers import ask

pytestmark = pytest.mark.django_db


def _expected(user, tab: str) -> tuple[list[int], dict]:
    values = visibility_values(user)
    visible = Question.objects.all() if values is None else Question.objects.filter(visibility_rule(values))
    answered = Q(status=Question.Status.ANSWERED)
    shown = visible.filter(answered) if tab == "answered" else visible.exclude(answered)
    order = ("deadline", "pk") if tab == "open" else ("-answered_at", "pk")
    times = [
        (a - b).total_seconds() / 86400 for a, b in visible.filter(answered).values_list("answered_at", "asked_at")
    ]
    figures = {
        "open": visible.exclude(answered).count(),
        "answered": visible.filter(answered).count(),
        "median": round(statistics.median(times), 1) if times else None,
    }
    return list(shown.order_by(*order).values_list("pk", flat=True)[: views.PAGE_SIZE]), figures


@pytest.fixture
def questions(org):
    made = [ask(org, deadline=timezone.localdate() + dt.timedelta(days=day)) for day in (9, 3, 6)]
    made.append(
        ask(org, asker=org.other_member, committee_id=org.other_committee.pk, workplace_ids=[org.other_workplace.pk])
    )
    for question, by, days in ((made[0], org.leader, 2), (made[3], org.other_leader, 5)):
        question_answer(question=question, by=by, answer="Svar")
        Question.objects.filter(pk=question.pk).update(asked_at=timezone.now() - dt.timedelta(days=days))
    return made


@pytest.mark.parametrize("tab", ["open", "answered"])
def test_every_reader_sees_what_the_querysets_give(org, client_for, questions, tab):
    for name, user in org.roles.items():
        if user is None:  # the list is never anonymous
            continue
        response = client_for(user).get(reverse("questions:list"), {"status": tab})
        assert response.status_code == 200, name
        context = response.context
        rows, figures = _expected(user, tab)
        assert [row["pk"] for row in context["page"].object_list] == rows, name
        shown = {"open": context["open_count"], "answered": context["answered_count"], "median": context["median_days"]}
        assert shown == figures, name


def test_a_second_reader_of_the_same_shape_reads_their_own_questions(org, client_for, questions):
    """The member and the other member each sit on one committee: one compiled statement,
    each reader's own committee filled in."""
    ask(org, asker=org.other_member, committee_id=org.other_committee.pk, workplace_ids=[org.other_workplace.pk])
    mine = client_for(org.member).get(reverse("questions:list")).context["page"].object_list
    theirs = client_for(org.other_member).get(reverse("questions:list")).context["page"].object_list
    assert {row["committee__name"] for row in mine} == {org.committee.name}
    assert {row["committee__name"] for row in theirs} == {org.other_committee.name}
