"""The demo shows the code of rules of play (issue 18.4) with the README's accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from organisation.models import Membership


@pytest.mark.django_db
def test_the_demo_member_signed_only_version_1_and_sees_what_changed(client_for):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    User = get_user_model()
    member = User.objects.get(email="medlem@samspil.example")
    [item] = client_for(member).get(reverse("codex:home")).context["items"]
    assert not item["due"].signed and item["previous"].number == 1 and item["version"].number == 2
    assert {row["section"] for row in item["changes"]} >= {"Indledning", "Pligter"}
    # The member sees the shares of the register, no names; the leader their own staff.
    register = client_for(member).get(reverse("codex:register"))
    assert register.context["page"] is None and register.context["shares"]
    leader = User.objects.get(email="leder@samspil.example")
    page = client_for(leader).get(reverse("codex:register")).context["page"]
    assert page.paginator.count > 0
    led = set(
        Membership.objects.filter(person=leader, workplace__isnull=False).values_list("workplace__name", flat=True)
    )
    assert all(row.unit in led for row in page)
