"""The start pages', the public stories', the challenges' plain SQL and the leadership's
questions list are planned once per connection.

PostgreSQL plans a prepared statement (samspil/db.py) once for all its parameters only
when that generic plan is estimated as cheap as planning each run; a status passed as a
parameter made it plan the start page's steps afresh on every request (≈ 2 ms of planning
for 0.3 ms of running). The code's constants are literals in that SQL
(portal.rawsql.literal); these tests see PostgreSQL's own count of generic plans."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from portal.rawsql import literal
from tests.stories.helpers import make_story

pytestmark = pytest.mark.usefixtures("fresh_prepared_statements")


def plan_counts(marker: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of this connection's prepared statements holding marker."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{marker}%"],
        )
        return cursor.fetchall()


def ask_repeatedly(client, url: str, times: int = 9) -> None:
    for _ in range(times):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["member", "admin", "leader", "chair"])
def test_the_start_pages_steps_get_one_plan_for_every_run(postgres, org, client, role):
    client.force_login(getattr(org, role))
    ask_repeatedly(client, reverse("portal:home"))
    counts = plan_counts("step_kind")
    assert counts, "the steps' statement was not prepared"
    # Five custom plans first (PostgreSQL's rule), then the generic plan every time.
    assert all(generic >= 3 for generic, _custom in counts), counts


@pytest.mark.parametrize("url_name", ["stories:public", "stories:challenges"])
def test_the_story_lists_get_one_plan_for_every_run(postgres, org, client, url_name):
    from stories.models import Story

    make_story(org.workplace, org.employee, visibility=Story.Visibility.PUBLIC)
    make_story(org.workplace, org.employee, kind=Story.Kind.CHALLENGE)
    client.force_login(org.director if url_name == "stories:challenges" else org.employee)
    ask_repeatedly(client, reverse(url_name))
    counts = plan_counts("s.published_at DESC, s.id DESC LIMIT")
    assert counts, "the list's statement was not prepared"
    assert all(generic >= 3 for generic, _custom in counts), counts


def test_the_feeds_statuses_stay_parameters(postgres, org, client):
    # Planned once, the feed's statement would walk every story for a reader who follows a
    # few workplaces (stories/selectors.py, feed_page): PostgreSQL must keep planning it
    # per run, which it does while the statuses are parameters.
    make_story(org.workplace, org.employee)
    client.force_login(org.employee)
    ask_repeatedly(client, reverse("stories:feed"), times=3)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%s.published_at DESC, s.id DESC LIMIT%"],
        )
        statements = [row[0] for row in cursor.fetchall()]
    assert statements and all("s.status = $" in statement for statement in statements), statements


def test_a_literal_is_only_a_code_constant():
    assert literal("in_dialogue") == "'in_dialogue'"
    for unsafe in ("", "x'; DROP TABLE accounts_user; --", "Proposed", "a b", "æble"):
        with pytest.raises(ValueError):
            literal(unsafe)


@pytest.mark.parametrize("tab", ["", "?status=answered"])
def test_the_leaderships_question_list_gets_one_plan_for_every_run(postgres, org, client, tab):
    # The answered status a literal (portal.rawsql.Constant): the one plan reads the tab's
    # partial index. As a parameter PostgreSQL planned every run anew (1.3 ms of planning
    # for 0.15 ms of running at scale), its generic plan taking 9 ms.
    client.force_login(org.director)
    ask_repeatedly(client, reverse("questions:list") + tab)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"questions_question"."answered_at" AS "answered_at"%'],
        )
        found = cursor.fetchall()
    assert found, "the list's statement was not prepared"
    for statement, generic in found:
        assert '"questions_question"."status" = \'answered\'' in statement, statement
        assert generic >= 3, found
