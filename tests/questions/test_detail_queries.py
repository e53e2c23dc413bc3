"""The question page runs a fixed number of queries whatever the number of questions and of
colleagues the leader may hand it to (two data sizes)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import Role
from questions import services
from tests.factories import UserFactory, grant
from tests.questions.helpers import answered, ask

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(org, n: int) -> None:
    for _ in range(n):
        grant(UserFactory(), Role.EMPLOYEE, workplace=org.workplace)
        services.question_answer(question=ask(org), by=org.leader, answer="Svar")


@pytest.mark.parametrize(
    ("reader", "state", "budget"),
    [
        # user with their roles, the question with its asker, committee, workplace, assignee,
        # answerer
        ("member", "open", 2),
        ("member", "answered", 2),
        # … and the colleagues the leader may hand an open question to
        ("leader", "open", 3),
        ("leader", "answered", 2),
    ],
)
def test_the_question_page_is_fixed_whatever_the_numbers(org, client_for, reader, state, budget):
    question = answered(org) if state == "answered" else ask(org)
    client = client_for(getattr(org, reader))
    url = question.get_absolute_url()
    client.get(url)  # the session's first request
    assert _count(client, url) == budget
    _grow(org, 12)
    assert _count(client, url) == budget
