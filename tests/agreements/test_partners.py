"""The partner field: search as you type (htmx) and, without JavaScript, a typed name
resolved when the goal is saved. The page never lists every workplace."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Goal
from tests.factories import WorkplaceFactory

from .helpers import goal_post, make_agreement, own_goal

pytestmark = pytest.mark.django_db


def _errors_of(body: str, field_id: str) -> str:
    start = body.index(f'id="{field_id}-errors"')
    return body[start : body.index("</div>", start)]


def _search(client, goal, text: str, chosen=()):
    prefix = f"goal-{goal.pk}"
    return client.get(
        reverse("agreements:partner_search", args=[goal.pk]),
        {f"{prefix}-partner_search": text, f"{prefix}-partners": list(chosen)},
        HTTP_HX_REQUEST="true",
    )


def test_the_search_offers_matching_workplaces_but_not_the_own_or_the_chosen(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    first = WorkplaceFactory(name="Skovly Børnehus")
    second = WorkplaceFactory(name="Børnehuset Skovly")
    WorkplaceFactory(name="Skovly Gamle", is_active=False)
    client = client_for(org.leader)
    body = _search(client, goal, "skovly").content.decode()
    # Names starting with the text come first; inactive workplaces are not offered.
    assert body.index("Skovly Børnehus") < body.index("Børnehuset Skovly")
    assert "Skovly Gamle" not in body
    assert f'name="goal-{goal.pk}-partners" value="{first.pk}"' in body
    body = _search(client, goal, "skovly", chosen=[first.pk]).content.decode()
    assert f'value="{first.pk}"' not in body and f'value="{second.pk}"' in body
    body = _search(client, goal, org.workplace.name).content.decode()
    assert f'value="{org.workplace.pk}"' not in body


def test_the_search_says_so_in_danish_when_nothing_matches(org, client_for):
    goal = own_goal(make_agreement(org))
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    body = _search(client, goal, "Findes ikke").content.decode()
    assert "Ingen virksomhed passer på “Findes ikke”." in body
    assert _search(client, goal, "").content.decode().strip() == ""


def _field(client, goal, name, value, version):
    data = {"field": f"goal-{goal.pk}-{name}", "version": version, "value": value}
    return client.post(reverse("agreements:field_save", args=[goal.agreement_id]), data)


def test_a_ticked_match_is_saved_as_a_partner_and_unticking_removes_it(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    client = client_for(org.leader)
    assert _field(client, goal, "kind", "cross_cutting", 1).status_code == 200
    response = _field(client, goal, "partners", [org.other_workplace.pk], 1)
    assert response.status_code == 200 and response.json()["labels"] == [
        {"id": org.other_workplace.pk, "name": org.other_workplace.name}
    ]
    goal = Goal.objects.get(pk=goal.pk)
    assert list(goal.partners.all()) == [org.other_workplace]
    page = client.get(reverse("agreements:edit", args=[agreement.pk])).content.decode()
    assert f'name="goal-{goal.pk}-partners" value="{org.other_workplace.pk}" id="goal-{goal.pk}-partner-' in page
    assert _field(client, goal, "partners", [], 2).status_code == 200
    assert not Goal.objects.get(pk=goal.pk).partners.exists()


def test_without_javascript_a_typed_name_is_added_when_the_goal_is_saved(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    skovly = WorkplaceFactory(name="Skovly Børnehus")
    response = client_for(org.leader).post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, kind="cross_cutting", partners=[org.other_workplace.pk], partner_search="skovly børnehus"),
    )
    assert response.status_code == 302
    assert set(Goal.objects.get(pk=goal.pk).partners.all()) == {org.other_workplace, skovly}


def test_without_javascript_several_matches_give_a_danish_field_error_and_the_matches_to_tick(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    first = WorkplaceFactory(name="Skovly Børnehus")
    WorkplaceFactory(name="Skovly Skole")
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    url = reverse("agreements:goal_save", args=[goal.pk])
    response = client.post(url, goal_post(goal, kind="cross_cutting", why="Sammen om børnene", partner_search="Skovly"))
    body = response.content.decode()
    assert response.status_code == 400
    errors = _errors_of(body, f"id_goal-{goal.pk}-partner_search")
    assert "Flere virksomheder passer på “Skovly”" in errors
    # What was typed stays, and the matches are there to tick.
    assert 'value="Skovly"' in body and "Sammen om børnene" in body
    assert f'name="goal-{goal.pk}-partners" value="{first.pk}" id="goal-{goal.pk}-match-{first.pk}"' in body
    assert Goal.objects.get(pk=goal.pk).why == ""

    goal.refresh_from_db()
    response = client.post(url, goal_post(goal, kind="cross_cutting", why="Sammen om børnene", partners=[first.pk]))
    assert response.status_code == 302
    assert list(Goal.objects.get(pk=goal.pk).partners.all()) == [first]


def test_without_javascript_an_unknown_name_gives_a_danish_field_error(org, client_for):
    goal = own_goal(make_agreement(org))
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    response = client.post(
        reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, kind="cross_cutting", partner_search="Xyz")
    )
    assert response.status_code == 400
    assert "Ingen virksomhed hedder “Xyz”" in _errors_of(response.content.decode(), f"id_goal-{goal.pk}-partner_search")


def test_a_field_save_refuses_the_workplace_itself_as_partner(org, client_for):
    goal = own_goal(make_agreement(org))
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert _field(client, goal, "kind", "cross_cutting", 1).status_code == 200
    response = _field(client, goal, "partners", [org.workplace.pk], 1)
    assert response.status_code == 400 and "cannot be its own partner" in response.json()["errors"][0]
    assert not Goal.objects.get(pk=goal.pk).partners.exists()


def test_a_workplace_that_does_not_exist_is_refused_with_a_field_error(org, client_for):
    goal = own_goal(make_agreement(org))
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, kind="cross_cutting", partners=[987654]),
    )
    assert response.status_code == 400
    assert "no longer exists" in _errors_of(response.content.decode(), f"id_goal-{goal.pk}-partners")


def test_partners_are_refused_for_a_goal_that_is_not_cross_cutting(org, client_for):
    goal = own_goal(make_agreement(org))
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = _field(client, goal, "partners", [org.other_workplace.pk], 1)
    assert response.status_code == 400 and "cross-cutting goal" in response.json()["errors"][0]
    assert not Goal.objects.get(pk=goal.pk).partners.exists()
