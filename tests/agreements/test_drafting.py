"""Drafting through HTTP: start from a template, autosave, conflicts, reorder, bad input."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from django.urls import reverse

from agreements import drafting
from agreements.models import Agreement, Goal, Milestone
from agreements.services import goal_add

from .helpers import goal_post, make_agreement, make_template, own_goal

pytestmark = pytest.mark.django_db


def test_the_leader_starts_an_agreement_with_the_shared_goals_copied_in(org, client_for):
    template = make_template(shared=2)
    client = client_for(org.leader)
    page = client.get(reverse("agreements:start"))
    assert template.title in page.content.decode()
    response = client.post(reverse("agreements:start"), {"choice": f"{org.workplace.pk}-{template.pk}"})
    agreement = Agreement.objects.get(workplace=org.workplace, template=template)
    assert response.status_code == 302 and response["Location"] == reverse("agreements:edit", args=[agreement.pk])
    assert list(agreement.goals.values_list("kind", "title")) == [
        ("shared", "Fælles mål 1"),
        ("shared", "Fælles mål 2"),
    ]
    assert agreement.status_changes.get().to_status == "draft"
    # Starting again continues the same agreement.
    client.post(reverse("agreements:start"), {"choice": f"{org.workplace.pk}-{template.pk}"})
    assert Agreement.objects.count() == 1


def _field(client, agreement, key, value, version):
    data = {"field": key, "version": version, "value": value}
    return client.post(reverse("agreements:field_save", args=[agreement.pk]), data)


def test_a_field_save_answers_with_the_next_version_of_that_field(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    response = _field(client_for(org.leader), agreement, f"goal-{goal.pk}-why", "Fordi læsning er nøglen", 1)
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.json()["by"] == org.leader.full_name
    goal.refresh_from_db()
    assert goal.why == "Fordi læsning er nøglen" and goal.why_version == 2 and goal.title_version == 1


def test_a_stale_field_version_gets_409_with_the_current_text_and_changes_nothing(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    leader, admin = client_for(org.leader), client_for(org.admin)
    assert _field(leader, agreement, f"goal-{goal.pk}-why", "Lederens tekst", 1).status_code == 200
    response = _field(admin, agreement, f"goal-{goal.pk}-why", "Administratorens tekst", 1)
    assert response.status_code == 409
    answer = response.json()
    assert answer["value"] == "Lederens tekst" and answer["version"] == 2 and answer["by"] == org.leader.full_name
    goal.refresh_from_db()
    assert goal.why == "Lederens tekst"
    # Keeping one's own text is a save on the version one has now seen.
    assert _field(admin, agreement, f"goal-{goal.pk}-why", "Administratorens tekst", 2).status_code == 200
    goal.refresh_from_db()
    assert goal.why == "Administratorens tekst" and goal.why_version == 3


def test_two_different_fields_of_one_goal_both_land(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    leader, admin = client_for(org.leader), client_for(org.admin)
    # Both opened the goal with every field at version 1.
    assert _field(leader, agreement, f"goal-{goal.pk}-why", "Hvorfor", 1).status_code == 200
    assert _field(admin, agreement, f"goal-{goal.pk}-success", "Succes", 1).status_code == 200
    assert _field(admin, agreement, f"goal-{goal.pk}-title", "Ny titel", 1).status_code == 200
    goal.refresh_from_db()
    assert (goal.why, goal.success, goal.title) == ("Hvorfor", "Succes", "Ny titel")


def test_the_introduction_conflicts_on_its_own_version(org, client_for):
    agreement = make_agreement(org)
    leader, admin = client_for(org.leader), client_for(org.admin)
    assert _field(leader, agreement, "introduction", "A", 1).status_code == 200
    response = _field(admin, agreement, "introduction", "B", 1)
    assert response.status_code == 409 and response.json()["value"] == "A"
    agreement.refresh_from_db()
    assert agreement.introduction == "A" and agreement.introduction_version == 2


def test_a_bad_field_value_gets_400_with_the_field_message(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    client = english(client_for(org.leader))
    response = _field(client, agreement, f"goal-{goal.pk}-title", "", 1)
    assert response.status_code == 400 and response.json()["errors"] == ["Give the goal a title."]
    response = _field(client, agreement, f"goal-{goal.pk}-indicator_target", "85 %", 1)
    assert response.status_code == 400
    assert response.json()["errors"] == ["Give the baseline the target is measured against."]
    assert _field(client, agreement, "goal-999999-why", "x", 1).status_code == 404
    assert _field(client, agreement, "workplace", "x", 1).status_code == 400
    goal.refresh_from_db()
    assert goal.title == "Eget mål 1" and goal.indicator_target == ""


def test_a_field_of_an_evaluated_agreement_is_refused(org, client_for):
    agreement = make_agreement(org, "evaluated")
    goal = own_goal(agreement)
    # The leader may no longer write here at all (403); the service refuses it too.
    assert _field(client_for(org.leader), agreement, f"goal-{goal.pk}-why", "Sent", 1).status_code == 403
    with pytest.raises(drafting.DraftError) as refused:
        drafting.draft_field_save(
            agreement=agreement, key=f"goal-{goal.pk}-why", value="Sent", version=1, by=org.leader
        )
    assert refused.value.code == "frozen"
    goal.refresh_from_db()
    assert goal.why == ""


def test_a_goal_of_another_agreement_is_not_saved_through_this_one(org, client_for):
    agreement = make_agreement(org)
    other = make_agreement(org, template=make_template(start=dt.date(2029, 1, 1), end=dt.date(2030, 12, 31)))
    goal = own_goal(other)
    response = _field(client_for(org.leader), agreement, f"goal-{goal.pk}-why", "Forkert sted", 1)
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.why == ""


def test_the_heartbeat_names_the_others_and_brings_the_fields_they_changed(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    leader, admin = client_for(org.leader), client_for(org.admin)
    assert admin.get(reverse("agreements:edit", args=[agreement.pk])).status_code == 200
    assert _field(admin, agreement, f"goal-{goal.pk}-why", "Administratorens tekst", 1).status_code == 200
    versions = {f"goal-{goal.pk}-why": 1, f"goal-{goal.pk}-title": 1, "introduction": 1}
    response = leader.post(
        reverse("agreements:editor_heartbeat", args=[agreement.pk]), {"versions": json.dumps(versions)}
    )
    answer = response.json()
    assert answer["others"] == [org.admin.full_name]
    assert [(c["field"], c["value"], c["by"]) for c in answer["changed"]] == [
        (f"goal-{goal.pk}-why", "Administratorens tekst", org.admin.full_name)
    ]
    # The leader's page now names the administrator too, from the first render.
    page = leader.get(reverse("agreements:edit", args=[agreement.pk])).content.decode()
    assert org.admin.full_name in page[page.index('id="editor-presence"') :][:400]


def test_the_introduction_saves_as_a_plain_form_without_javascript(org, client_for):
    agreement = make_agreement(org)
    response = client_for(org.leader).post(
        reverse("agreements:introduction_save", args=[agreement.pk]),
        {"introduction": "Vi er en skole for alle.", "introduction_version": agreement.introduction_version},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.introduction == "Vi er en skole for alle." and agreement.introduction_version == 2


def test_without_javascript_a_stale_field_shows_both_texts_next_to_it_and_other_fields_land(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    first, second = client_for(org.leader), client_for(org.admin)
    # Both opened the goal with every field at version 1.
    saved = first.post(reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, why="Tekst fra første session"))
    assert saved.status_code == 302
    response = second.post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, why="Tekst fra anden session", success="Anden sessions succes"),
    )
    body = response.content.decode()
    assert response.status_code == 409
    # The conflict stands in the why field's own box, with theirs; yours stays in the field.
    box = body[body.index(f'data-draft-field="goal-{goal.pk}-why"') :]
    box = box[: box.index(f'data-draft-field="goal-{goal.pk}-success"')]
    assert "Tekst fra første session" in box and "Tekst fra anden session" in box and "data-draft-conflict" in box
    goal.refresh_from_db()
    assert goal.why == "Tekst fra første session"  # nothing silently overwritten
    assert goal.success == "Anden sessions succes"  # the other field landed
    # The kept form carries the why field's new version: saving again keeps the second text.
    assert f'name="goal-{goal.pk}-why_version" value="2"' in body
    merged = second.post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, why="Tekst fra første session. Tekst fra anden session"),
    )
    assert merged.status_code == 302
    goal.refresh_from_db()
    assert goal.why == "Tekst fra første session. Tekst fra anden session" and goal.why_version == 3


def test_goals_move_up_and_down_without_javascript(org, client_for):
    agreement = make_agreement(org, goals=3)
    titles = lambda: list(agreement.goals.order_by("order", "pk").values_list("title", flat=True))  # noqa: E731
    before = titles()
    last = agreement.goals.get(title="Eget mål 3")
    client = client_for(org.leader)
    assert client.post(reverse("agreements:goal_move", args=[last.pk]), {"direction": "up"}).status_code == 302
    assert titles() == [*before[:-2], "Eget mål 3", "Eget mål 2"]
    client.post(
        reverse("agreements:goal_move", args=[agreement.goals.get(title="Fælles mål 1").pk]), {"direction": "down"}
    )
    assert titles()[:2] == ["Eget mål 1", "Fælles mål 1"]


def test_the_page_warns_past_the_own_goal_limit(org, client_for):
    agreement = make_agreement(org, goals=3)
    client = client_for(org.leader)
    assert 'id="own-goal-warning"' not in client.get(reverse("agreements:edit", args=[agreement.pk])).content.decode()
    goal_add(agreement=agreement, title="Et fjerde mål", by=org.leader)
    assert 'id="own-goal-warning"' in client.get(reverse("agreements:edit", args=[agreement.pk])).content.decode()


# --- Bad input: field-level messages, and what was typed stays ------------------------------


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _errors_of(body: str, field_id: str) -> str:
    start = body.index(f'id="{field_id}-errors"')
    return body[start : body.index("</div>", start)]


def test_an_empty_title_gets_a_field_message_and_the_other_text_stays(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    response = english(client_for(org.leader)).post(
        reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, title="", why="Min vigtige begrundelse")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the goal a title." in _errors_of(body, f"id_goal-{goal.pk}-title")
    assert "Min vigtige begrundelse" in body
    goal.refresh_from_db()
    assert goal.title == "Eget mål 1"


def test_a_target_without_a_baseline_gets_a_field_message(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    response = english(client_for(org.leader)).post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, indicator_name="Læsetest", indicator_target="85 %"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the baseline the target is measured against." in _errors_of(
        body, f"id_goal-{goal.pk}-indicator_baseline"
    )
    assert 'value="85 %"' in body and 'value="Læsetest"' in body


def test_the_workplace_cannot_be_its_own_partner(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    response = english(client_for(org.leader)).post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, kind="cross_cutting", partners=[org.workplace.pk, org.other_workplace.pk], why="Sammen"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    errors = _errors_of(body, f"id_goal-{goal.pk}-partners")
    assert "A workplace cannot be its own partner" in errors
    assert "Sammen" in body
    assert not Goal.objects.get(pk=goal.pk).partners.exists()


def test_a_milestone_outside_the_period_gets_a_field_message(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    response = english(client_for(org.leader)).post(
        reverse("agreements:milestone_add", args=[goal.pk]),
        {f"milestone-{goal.pk}-title": "Læsetest i 3. klasse", f"milestone-{goal.pk}-due_on": "2031-03-01"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "2031-03-01" in body and "Læsetest i 3. klasse" in body
    # (Jinja2 spells the apostrophe &#39;, Django &#x27;.)
    assert "Choose a date inside the agreement's period" in html.unescape(
        _errors_of(body, f"id_milestone-{goal.pk}-due_on")
    )
    assert not Milestone.objects.exists()
