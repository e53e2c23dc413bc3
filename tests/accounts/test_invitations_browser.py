"""Issue 16.6: the invitation page and a round's report fit a phone (375 and 320 px) and
have no serious axe finding; the round is started from the page in Chromium."""

from __future__ import annotations

import re

import pytest

from accounts.models import InvitationRound
from organisation.models import Membership, Role
from tests import factories
from tests.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_invitation_pages_fit_the_screen_and_pass_axe(page, org, width):
    for n in range(3):
        person = factories.UserFactory(
            full_name=f"Bodil Marie-Louise Skovgaard-Frederiksen {n}",
            email=f"bodil.marie-louise.skovgaard-frederiksen.{n}@boernehuset-solsikken.example",
        )
        person.set_unusable_password()
        person.save()
        Membership.objects.create(person=person, role=Role.EMPLOYEE, workplace=org.workplace)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, org.admin.email)
    page.goto(page.base_url + "/administration/invitationer/")
    page.check("#id_scope_2")  # everyone at a workplace
    page.select_option("#id_workplace", str(org.workplace.pk))
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, ("/administration/invitationer/", overflow)
    page.click("#invite-round button[type=submit]")
    page.wait_for_url(re.compile(r"/administration/invitationer/runde/\d+/$"))
    page.wait_for_selector("#round-progress .alert")
    invitation_round = InvitationRound.objects.get()
    assert invitation_round.report["invited"] == 3
    assert "3 inviteret" in page.inner_text("#round-progress")
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, ("round", overflow)
