"""Who sees what, beyond the access matrix: lists follow the detail rule; partners see
their cross-cutting goals and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.services import goal_add, goal_save
from organisation.models import Role
from tests.factories import grant

from .helpers import make_agreement, make_template

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "sees"),
    [
        ("draft", {"admin", "director", "leader", "centre_head"}),
        ("in_dialogue", {"admin", "director", "leader", "centre_head", "chair", "member"}),
        (
            "agreed",
            {"admin", "director", "leader", "centre_head", "chair", "member", "employee", "union_rep", "med_contact"},
        ),
        ("evaluated", {"admin", "director", "leader", "centre_head", "chair", "member"}),
    ],
)
def test_the_list_shows_what_the_agreement_page_allows(org, client_for, status, sees):
    agreement = make_agreement(org, status)
    for role, user in org.roles.items():
        if user is None:
            continue
        listed = agreement.get_absolute_url() in client_for(user).get(reverse("agreements:list")).content.decode()
        opens = client_for(user).get(agreement.get_absolute_url()).status_code == 200
        assert listed == opens == (role in sees), role


def test_partner_workplaces_see_their_cross_cutting_goal_and_only_that(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    goal = goal_add(agreement=agreement, title="Tryg skolevej med Vej og Park", kind="cross_cutting", by=org.leader)
    goal.refresh_from_db()
    goal_save(
        goal=goal,
        data={"kind": "cross_cutting", "title": goal.title, "why": "Sikre børn", "success": ""},
        partner_ids=[org.other_workplace.pk],
        version=goal.version,
        by=org.leader,
    )
    partner = client_for(org.other_leader)
    page = partner.get(reverse("agreements:partner_goals")).content.decode()
    assert "Tryg skolevej med Vej og Park" in page and "Sikre børn" in page
    assert "Eget mål 1" not in page
    assert partner.get(agreement.get_absolute_url()).status_code == 404
    # An employee of the partner workplace sees it too; a stranger does not.
    colleague = grant(org.nobody, Role.EMPLOYEE, workplace=org.other_workplace).person
    assert "Tryg skolevej" in client_for(colleague).get(reverse("agreements:partner_goals")).content.decode()
    assert "Tryg skolevej" not in client_for(org.other_member).get(reverse("agreements:partner_goals")).content.decode()


def test_a_draft_cross_cutting_goal_is_not_shown_to_partners_yet(org, client_for):
    agreement = make_agreement(org, "draft")
    goal = goal_add(agreement=agreement, title="Hemmeligt udkast", kind="cross_cutting", by=org.leader)
    goal.partners.set([org.other_workplace])
    assert (
        "Hemmeligt udkast" not in client_for(org.other_leader).get(reverse("agreements:partner_goals")).content.decode()
    )


def test_committee_members_of_another_committee_never_see_it(org, client_for):
    agreement = make_agreement(org, "active", template=make_template())
    assert client_for(org.other_member).get(agreement.get_absolute_url()).status_code == 404
