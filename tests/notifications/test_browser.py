"""In Chromium: a member chooses a daily summary for agreements in dialogue, the leader
sends the agreement to dialogue, and the member finds it on the start page and marks it read."""

from __future__ import annotations

import pytest

from agreements import services
from agreements.models import Agreement
from notifications.models import Notification, Preference
from outbox.models import Email
from tests import factories
from tests.agreements.helpers import make_agreement
from tests.conftest import axe_violations, login

pytestmark = pytest.mark.browser


@pytest.fixture
def org_live(transactional_db):
    return factories.build_org()


def test_a_member_chooses_a_daily_summary_and_sees_the_agreement_on_the_start_page(page, org_live):
    org = org_live
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, org.member.email)
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Vælg, hvordan du får besked").click()
    page.wait_for_url("**/konto/notifikationer/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    group = page.get_by_role("group", name="En udviklingsaftale sendes i dialog")
    group.get_by_label("I en daglig opsamling på e-mail").check()
    page.get_by_role("button", name="Gem valg").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Dine valg er gemt.").is_visible()
    assert Preference.objects.get(person=org.member).delivery == "daily"

    agreement = make_agreement(org, Agreement.Status.DRAFT)
    services.agreement_send_to_dialogue(agreement=agreement, by=org.leader)
    # The daily summary carries it: no email at once for the member.
    assert not Email.objects.filter(recipient=org.member, family="notifications.agreement_dialogue").exists()

    page.goto(page.base_url + "/")
    news = page.get_by_role("region", name="Nyt til dig")
    link = news.get_by_role("link", name="Udviklingsaftalen for Egeskovskolen er i dialog", exact=False)
    assert link.is_visible()
    assert axe_violations(page) == []
    news.get_by_role("button", name="Markér som læst").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Intet nyt.", exact=False).is_visible()
    assert Notification.objects.get(recipient=org.member).read_at is not None
    # The agreement is still on the start page as a step: read and comment.
    page.get_by_role("link", name="Læs og kommentér udviklingsaftalen for Egeskovskolen", exact=False).click()
    page.wait_for_url(f"**/udviklingsaftaler/{agreement.pk}/")
