"""The demo shows agreements in every state, and a draft for the demo leader to continue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from agreements.models import Agreement, AgreementTemplate, GoalComment


@pytest.mark.django_db
def test_the_demo_has_agreements_in_every_state_and_a_draft_for_the_demo_leader():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(AgreementTemplate.objects.filter(is_published=True).values_list("period_start__year", flat=True)) == {
        2025,
        2027,
    }
    assert set(Agreement.objects.values_list("status", flat=True)) == set(Agreement.Status.values)
    draft = Agreement.objects.get(workplace__slug="egeskovskolen", template__period_start__year=2027)
    assert draft.status == "draft"
    assert draft.workplace.memberships.filter(person__email="leder@samspil.example", role="workplace_leader").exists()
    assert GoalComment.objects.filter(goal__agreement__status="in_dialogue").exists()
    active = Agreement.objects.get(status="active")
    assert active.revision_number == 2 and active.goals.filter(follow_ups__point="mid_year").exists()
