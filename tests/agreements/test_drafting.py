"""Drafting through HTTP: start from a template, autosave, conflicts, reorder, bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

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


def test_autosave_answers_with_the_saved_time_and_the_next_version(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    client = client_for(org.leader)
    response = client.post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, why="Fordi læsning er nøglen"),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in body or "Gemt kl." in body  # English or Danish, by the compiled catalogue
    goal.refresh_from_db()
    assert goal.why == "Fordi læsning er nøglen" and goal.version == 2
    assert f'id="id_goal-{goal.pk}-version" value="2" hx-swap-oob="true"' in body


def test_the_introduction_saves_as_a_plain_form_without_javascript(org, client_for):
    agreement = make_agreement(org)
    response = client_for(org.leader).post(
        reverse("agreements:introduction_save", args=[agreement.pk]),
        {"introduction": "Vi er en skole for alle.", "version": agreement.version},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.introduction == "Vi er en skole for alle." and agreement.version == 2


def test_a_second_save_of_the_same_goal_gets_the_conflict_with_both_texts(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    first, second = client_for(org.leader), client_for(org.admin)
    # Both opened the goal at version 1.
    saved = first.post(reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, why="Tekst fra første session"))
    assert saved.status_code == 302
    response = second.post(
        reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, why="Tekst fra anden session")
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Tekst fra første session" in body  # theirs, shown
    assert body.count("Tekst fra anden session") >= 2  # yours, shown and kept in the form
    goal.refresh_from_db()
    assert goal.why == "Tekst fra første session"  # nothing silently overwritten
    # The kept form carries the new version: saving the merged text now goes through.
    assert f'name="goal-{goal.pk}-version" value="2"' in body
    merged = second.post(
        reverse("agreements:goal_save", args=[goal.pk]),
        goal_post(goal, why="Tekst fra første session. Tekst fra anden session", version=2),
    )
    assert merged.status_code == 302
    goal.refresh_from_db()
    assert goal.why == "Tekst fra første session. Tekst fra anden session" and goal.version == 3


def test_an_htmx_conflict_swaps_in_the_conflict_view(org, client_for):
    agreement = make_agreement(org)
    client = client_for(org.leader)
    client.post(reverse("agreements:introduction_save", args=[agreement.pk]), {"introduction": "A", "version": 1})
    response = client.post(
        reverse("agreements:introduction_save", args=[agreement.pk]),
        {"introduction": "B", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only successful answers
    assert response["HX-Retarget"] == "#main"
    assert 'id="conflict"' in response.content.decode()


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
    assert "Choose a date inside the agreement's period" in _errors_of(body, f"id_milestone-{goal.pk}-due_on").replace(
        "&#x27;", "'"
    )
    assert not Milestone.objects.exists()


def test_htmx_autosave_of_bad_input_marks_the_fields_out_of_band(org, client_for):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    response = english(client_for(org.leader)).post(
        reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, title=""), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_goal-{goal.pk}-title-errors" class="invalid-feedback d-block" hx-swap-oob="true">' in body
    assert "Give the goal a title." in body
