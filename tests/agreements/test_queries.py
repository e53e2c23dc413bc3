"""The agreement page and the list run a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, FollowUp, Goal, GoalComment, Milestone, Revision
from agreements.services import agreement_start
from tests.factories import WorkplaceFactory

from .helpers import make_agreement, make_template

pytestmark = pytest.mark.django_db


def _grow(org, agreement: Agreement, n: int) -> None:
    """n goals, each with a milestone, a partner, a follow-up and a comment; n revisions."""
    goals = Goal.objects.bulk_create(
        Goal(agreement=agreement, kind="cross_cutting", title=f"Mål {i}", order=10 + i) for i in range(n)
    )
    for goal in goals:
        goal.partners.add(org.other_workplace)
    Milestone.objects.bulk_create(Milestone(goal=g, title="Trin", due_on=dt.date(2027, 6, 1)) for g in goals)
    FollowUp.objects.bulk_create(FollowUp(goal=g, point="mid_year", status="on_track") for g in goals)
    GoalComment.objects.bulk_create(GoalComment(goal=g, author=org.member, text="Godt") for g in goals)
    start = agreement.revisions.count() + 1
    Revision.objects.bulk_create(
        Revision(agreement=agreement, number=start + i, snapshot={"goals": []}) for i in range(n)
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_agreement_page_costs_the_same_with_1_and_50_goals_comments_and_revisions(org, client_for):
    small, large = make_agreement(org, "active", goals=0), None
    _grow(org, small, 1)
    other = WorkplaceFactory(centre=org.centre, committees=[org.committee])
    large = agreement_start(template=small.template, workplace=other, by=org.admin)
    Agreement.objects.filter(pk=large.pk).update(status="active")
    _grow(org, large, 50)
    client = client_for(org.chair)
    counts = [_count(client, reverse("agreements:detail", args=[a.pk])) for a in (small, large)]
    # 1 user with their roles (the session is in the cache), 2 agreement (+workplace, centre,
    # kind, template), 3 the workplace's committees, 4 goals, 5 milestones, 6 partners,
    # 7 comments (+authors), 8 follow-ups, 9 approvals (+people), 10 revisions (+authors),
    # 11 status changes (+people)
    assert counts == [11, 11]


def test_the_list_costs_the_same_with_1_and_50_agreements(org, client_for):
    template = make_template()
    client = client_for(org.director)
    make_agreement(org, "in_dialogue", template=template)
    one = _count(client, reverse("agreements:list"))
    for _ in range(49):
        workplace = WorkplaceFactory(centre=org.centre, committees=[org.committee])
        agreement_start(template=template, workplace=workplace, by=org.admin)
    many = _count(client, reverse("agreements:list"))
    # 1 user with their roles, 2 published templates with their deadlines (the yearly wheel),
    # 3 the page of agreements with the list's length for the pager (+workplace, centre,
    # template, goal count), 4 committees and centres (filters)
    assert (one, many) == (4, 4)


def test_the_edit_page_costs_the_same_with_1_and_50_goals(org, client_for):
    small = make_agreement(org, "draft", goals=0)
    _grow(org, small, 1)
    other = WorkplaceFactory(centre=org.centre, committees=[org.committee])
    large = agreement_start(template=small.template, workplace=other, by=org.admin)
    _grow(org, large, 50)
    client = client_for(org.admin)
    counts = [_count(client, reverse("agreements:edit", args=[a.pk])) for a in (small, large)]
    # 1 user with their roles, 2 agreement (+workplace, centre, kind, template), 3 goals with
    # their milestones and partners as JSON arrays (PostgreSQL; elsewhere 3-5, the goals,
    # milestones and partners: agreements.selectors.editor_goals). The editor shows no
    # comments or follow-ups, and the rules ask for the workplace's committees only of
    # someone on a committee. No list of every workplace: the partner field shows the
    # chosen partners and searches for more.
    expected = 3 if connection.vendor == "postgresql" else 5
    assert counts == [expected, expected]


def test_the_edit_page_does_not_grow_with_the_number_of_workplaces(org, client_for):
    agreement = make_agreement(org, "draft", goals=2)
    client = client_for(org.leader)
    url = reverse("agreements:edit", args=[agreement.pk])
    WorkplaceFactory.create_batch(5, name="Fjern arbejdsplads")
    before = client.get(url).content.decode()
    WorkplaceFactory.create_batch(50, name="Fjern arbejdsplads")
    after = client.get(url).content.decode()
    assert "Fjern arbejdsplads" not in after
    assert len(after) == len(before)


def test_the_partner_search_costs_the_same_with_5_and_50_matches(org, client_for):
    agreement = make_agreement(org, "draft", goals=1)
    goal = agreement.goals.first()
    client = client_for(org.leader)
    url = reverse("agreements:partner_search", args=[goal.pk]) + f"?goal-{goal.pk}-partner_search=Skovly"
    WorkplaceFactory.create_batch(5, name="Skovly")
    with CaptureQueriesContext(connection) as few:
        few_body = client.get(url).content.decode()
    WorkplaceFactory.create_batch(45, name="Skovly")
    with CaptureQueriesContext(connection) as many:
        many_body = client.get(url).content.decode()
    # 1 user with their roles, 2 goal (+agreement, workplace, centre, kind, template),
    # 3 committees, 4 the matches (at most 20)
    assert (len(few), len(many)) == (4, 4)
    assert few_body.count('type="checkbox"') == 5
    assert many_body.count('type="checkbox"') == 20


def _heartbeat_count(client, agreement: Agreement) -> int:
    versions = {f"goal-{g.pk}-why": 1 for g in agreement.goals.all()}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("agreements:editor_heartbeat", args=[agreement.pk]), {"versions": json.dumps(versions)}
        )
    assert response.status_code == 200 and response.json()["changed"] == []
    return len(queries)


def test_the_editor_heartbeat_costs_the_same_with_1_and_50_goals(org, client_for):
    small = make_agreement(org, "draft", goals=0)
    _grow(org, small, 1)
    other = WorkplaceFactory(centre=org.centre, committees=[org.committee])
    large = agreement_start(template=small.template, workplace=other, by=org.admin)
    _grow(org, large, 50)
    client = client_for(org.admin)
    # 1 user with their roles, 2 agreement (+workplace, centre, kind, template), 3 committees,
    # 4 every field's version (one row per goal). Presence lives in the cache.
    assert [_heartbeat_count(client, a) for a in (small, large)] == [4, 4]
