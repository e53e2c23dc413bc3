"""In Chromium: a leader gives the chair an early word, and the chair acknowledges it."""

from __future__ import annotations

import pytest

from earlywords.models import EarlyWord, Recipient
from tests import factories
from tests.conftest import axe_violations, login

pytestmark = pytest.mark.browser


@pytest.fixture
def org_live(transactional_db):
    return factories.build_org()


def test_a_leader_gives_the_chair_an_early_word_and_the_chair_acknowledges_it(page, chromium, org_live):
    org = org_live
    login(page, org.leader.email)
    page.goto(page.base_url + "/forvarsler/")
    page.get_by_role("link", name="Giv et forvarsel").click()
    page.fill("#id_subject", "Klage over skolebussen kan komme i lokalavisen")
    # A personal identification number is refused next to the field, and nothing typed is lost.
    page.fill("#id_about", "Faren til eleven 010203-1234 har skrevet til avisen.")
    page.fill("#id_action", "Vi taler med busselskabet.")
    page.fill("#id_contact_name", "Skolens leder")
    page.fill("#id_contact_phone", "58 57 10 00")
    page.get_by_role("button", name="Giv forvarslet").click()
    assert page.locator("#id_about").input_value() == "Faren til eleven 010203-1234 har skrevet til avisen."
    assert "personnummeret" in page.locator("#id_about ~ .invalid-feedback, #error_1_id_about").first.inner_text()
    assert axe_violations(page) == []
    page.fill("#id_about", "Forældre har skrevet til avisen om forsinkede busser.")
    page.get_by_role("button", name="Giv forvarslet").click()
    page.wait_for_url("**/forvarsler/*/")
    early_word = EarlyWord.objects.get()
    assert "ikke kvitteret endnu" in page.content()

    chair = chromium.new_context(viewport={"width": 375, "height": 800}, locale="da-DK")
    chair_page = chair.new_page()
    chair_page.base_url = page.base_url
    login(chair_page, org.chair.email)
    # The start page lists the early word first.
    first = chair_page.locator(f"main a[href='/forvarsler/{early_word.pk}/']").first
    assert first.is_visible()
    first.click()
    chair_page.get_by_role("button", name="Kvittér: Jeg har læst det").click()
    chair_page.wait_for_load_state("networkidle")
    assert "Du kvitterede" in chair_page.content()
    assert axe_violations(chair_page) == []
    assert chair_page.evaluate("document.documentElement.scrollWidth") <= 375
    chair.close()
    assert early_word.recipients.get(person=org.chair).status == Recipient.Status.ACKNOWLEDGED
    page.reload()
    assert "kvitteret" in page.content()
