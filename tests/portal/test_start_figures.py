"""The start page's municipal figures are cached (portal/figures.py) and never stale: a
write to any table they read, whichever way it is made, shows on the next request."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from cases.models import Case, Hearing
from questions import services as question_services
from questions.models import Question
from stories import services as story_services
from stories.models import Story
from tests.agreements.helpers import make_agreement
from tests.cases.helpers import make_case
from tests.factories import UserFactory
from tests.questions.helpers import ask


def _get(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response


def _overview(client):
    return _get(client).context["overview"]


def _steps(client) -> list[str]:
    return [str(step.text) for step in _get(client).context["next_steps"]]


def test_the_overview_follows_every_change_without_a_cache_clear(org, client_for):
    client = client_for(org.director)
    before = _overview(client)
    question = ask(org)
    after_asking = _overview(client)
    assert after_asking.questions["open"] == before.questions["open"] + 1
    question_services.question_answer(question=question, by=org.leader, answer="Vi går ud hver tirsdag.")
    answered = _overview(client)
    assert answered.questions["answered"] == before.questions["answered"] + 1
    assert answered.questions["median_days"] is not None
    # A queryset update (no save(), no signal) is seen too: the database bumps the version.
    Question.objects.filter(pk=question.pk).update(status=Question.Status.OPEN)
    assert _overview(client).questions["answered"] == before.questions["answered"]

    in_dialogue = dict((value, count) for value, _label, count, _url in _overview(client).agreements)
    make_agreement(org, Agreement.Status.IN_DIALOGUE)
    now_in_dialogue = dict((value, count) for value, _label, count, _url in _overview(client).agreements)
    assert now_in_dialogue[Agreement.Status.IN_DIALOGUE] == in_dialogue[Agreement.Status.IN_DIALOGUE] + 1

    case = make_case(org)
    hearings = _overview(client).hearings
    assert hearings["open"] == before.hearings["open"] + 1
    Hearing.objects.filter(case=case).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert _overview(client).hearings["overdue"] == hearings["overdue"] + 1
    Case.objects.filter(pk=case.pk).update(override_at=timezone.now(), override_reason="Fristen var for kort.")
    assert _overview(client).hearings["overridden"] == hearings["overridden"] + 1


def test_an_unchanged_overview_is_read_from_the_cache(org, client_for):
    client = client_for(org.director)
    _get(client)
    with CaptureQueriesContext(connection) as queries:
        _get(client)
    tables = " ".join(query["sql"] for query in queries)
    for table in ("questions_question", "cases_hearing", "agreements_agreement"):
        assert table not in tables, table
    ask(org)  # any write to a watched table: computed afresh
    with CaptureQueriesContext(connection) as queries:
        _get(client)
    assert "questions_question" in " ".join(query["sql"] for query in queries)


def test_the_administrators_counts_follow_every_change(org, client_for):
    client = client_for(org.admin)

    def step(fragment: str) -> str:
        return next((text for text in _steps(client) if fragment in text), "")

    before = step("konto")
    UserFactory(email="uden-konto@test.example", password=None)  # unusable: no account yet
    after = step("konto")
    assert after and after != before

    # A story submitted: the administrator's count of waiting stories moves on.
    waiting = Story.objects.filter(status=Story.Status.SUBMITTED).count()
    story_services.story_submit(
        author=org.employee, workplace=org.workplace, title="Udeskole", summary="Kort.", body="Lang."
    )
    assert Story.objects.filter(status=Story.Status.SUBMITTED).count() == waiting + 1
    assert f"{waiting + 1} " in step("historie") or f"{waiting + 1} " in step("historier")

    # An overdue hearing: the case appears (a queryset update of the deadline is enough).
    case = make_case(org)
    assert not step(case.title)
    Hearing.objects.filter(case=case).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert step(case.title)


def test_every_roles_start_page_stays_within_its_query_budget(org, client_for):
    """Warm (the figures cached): user and roles, memberships, the steps (one query for the
    providers' parts: the meetings' steps, the agreements in dialogue, the administrator's
    failed import; one for the code of conduct, a few more per role), the notifications;
    the leadership also the data versions. Before issue 19's work: member 12, leader 21,
    director 17, administrator 20; before its third round: member 7, chair 10, leader 13,
    employee 9, centre head 8, director 8, administrator 8."""
    people = {
        "member": (org.member, 5),
        "chair": (org.chair, 9),
        "leader": (org.leader, 12),
        "employee": (org.employee, 8),
        "centre head": (org.centre_head, 7),
        "director": (org.director, 7),
        "administrator": (org.admin, 6),
    }
    counts = {}
    for name, (person, _budget) in people.items():
        client = client_for(person)
        _get(client)  # the first request after login writes the session; the figures cached
        with CaptureQueriesContext(connection) as queries:
            _get(client)
        counts[name] = len(queries)
    # The providers' parts are one query on SQLite too: each is ordered and limited in its
    # own subquery (portal.startpage.Part).
    assert all(counts[name] <= budget for name, (_person, budget) in people.items()), counts
