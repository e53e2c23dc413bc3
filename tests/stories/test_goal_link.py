"""A story links to the goal of the development agreement it tells about (issue 16.8): a
choice of the workplace's own goals, not free text, shown on the story as a link for those
who may read the agreement and as plain text for everyone else."""

from __future__ import annotations

import pytest

from agreements import services as agreement_services
from samspil.errors import ServiceError
from stories.models import Story
from stories.services import story_submit
from tests.agreements.helpers import make_agreement, make_template
from tests.stories.helpers import make_story, story_form_data

pytestmark = pytest.mark.django_db


def _other_workplaces_goal(org):
    agreement = agreement_services.agreement_start(
        template=make_template(), workplace=org.other_workplace, by=org.other_leader
    )
    return agreement_services.goal_add(agreement=agreement, title="Vejenes mål", by=org.other_leader)


def test_the_form_offers_the_workplaces_goals_and_the_story_links_to_the_goal(org, client_for):
    agreement = make_agreement(org, goals=2)
    goal = agreement.goals.order_by("order", "pk").first()
    other = _other_workplaces_goal(org)
    employee = client_for(org.employee)
    page = employee.get("/gode-historier/ny/")
    offered = {choice.value for choice, _label in list(page.context["form"].fields["goal"].choices)[1:]}
    assert offered == set(agreement.goals.values_list("pk", flat=True)) and other.pk not in offered

    response = employee.post("/gode-historier/ny/", story_form_data(goal=str(goal.pk)))
    assert response.status_code == 302, response.context["form"].errors
    story = Story.objects.get()
    assert story.goal == goal
    # The leader reads the agreement: the goal is a link to it, at the goal.
    body = client_for(org.leader).get(story.get_absolute_url()).content.decode()
    assert f'href="/udviklingsaftaler/{agreement.pk}/#goal-{goal.pk}"' in body and goal.title in body


def test_a_goal_of_another_workplace_is_refused_on_its_field(org, client_for):
    make_agreement(org)
    other = _other_workplaces_goal(org)
    response = client_for(org.employee).post("/gode-historier/ny/", story_form_data(goal=str(other.pk)))
    assert response.status_code == 400
    assert response.context["form"].errors["goal"]
    assert not Story.objects.exists()
    with pytest.raises(ServiceError) as refused:
        story_submit(author=org.employee, workplace=org.workplace, title="T", summary="S", body="B", goal=other)
    assert refused.value.field == "goal"


def test_a_public_story_names_its_goal_without_a_link_the_visitor_could_not_open(org, client):
    goal = make_agreement(org).goals.order_by("order", "pk").first()
    story = make_story(org.workplace, org.employee, visibility="public", goal=goal)
    body = client.get(f"/gode-historier/offentlige/{story.pk}/").content.decode()
    assert goal.title in body and "/udviklingsaftaler/" not in body
