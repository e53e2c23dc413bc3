"""The booking and agreement flows with the keyboard alone: Tab, Enter and Space, no clicks.

Each step moves focus with Tab until the wanted control has it, checks that the focus is
visible, and acts with Enter or Space.
"""

from __future__ import annotations

import re

import pytest

from agreements.models import Goal
from agreements.services import goal_add
from meetings.models import Booking
from tests import factories
from tests.agreements.helpers import make_agreement, own_goal
from tests.meetings import helpers as meeting_helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def keyboard_login(page, email: str) -> None:
    page.goto(page.base_url + "/konto/login/")
    page.keyboard.press("Tab")  # the skip link first: the page starts at the top
    tab_to(page, "input[name=login]")
    page.keyboard.type(email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus; fail after `limit`."""
    for _ in range(limit):
        if page.evaluate("sel => !!document.activeElement && document.activeElement.matches(sel)", selector):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail(f"Tab never reached {selector}")
    # The focus is visible: an outline or Bootstrap's focus ring (box-shadow).
    visible = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
    )
    assert visible, f"no visible focus on {selector}"


def test_a_committee_member_books_a_visit_from_the_free_times_with_the_keyboard_alone(page, transactional_db):
    org = factories.build_org()
    meeting_helpers.kind()
    slot = meeting_helpers.slot(org, days=12, hour=9, capacity=2)
    keyboard_login(page, org.member.email)
    page.goto(page.base_url + "/moeder/besoeg/")
    tab_to(page, f"a[href$='/besoeg/{slot.pk}/book/']")
    page.keyboard.press("Enter")  # the booking page, where the purpose is written
    page.wait_for_url(re.compile(rf"/besoeg/{slot.pk}/book/$"))
    tab_to(page, "textarea[name=purpose]")
    page.keyboard.type("Se læsebåndet")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moeder/\d+/$"))
    assert Booking.objects.filter(slot=slot, member=org.member, status="booked").count() == 1
    assert "Egeskovskolen" in page.get_by_role("heading", level=1).inner_text()


def test_a_workplace_leader_edits_a_goal_and_saves_it_with_the_keyboard_alone(page, transactional_db):
    org = factories.build_org()
    agreement = make_agreement(org, goals=1)
    goal = own_goal(agreement)
    keyboard_login(page, org.leader.email)
    page.goto(page.base_url + f"/udviklingsaftaler/{agreement.pk}/rediger/")
    tab_to(page, f"#id_goal-{goal.pk}-title")
    page.keyboard.press("Control+A")
    page.keyboard.type("Læsning for alle")
    tab_to(page, f"#id_goal-{goal.pk}-why")
    page.keyboard.type("Fordi læsning bærer al anden læring")
    tab_to(page, f"#goal-{goal.pk} form.goal-form button[type=submit]")
    page.keyboard.press("Space")
    # Saved in place: the status shows the time, the focus stays on the button, and the
    # save does not collide with the autosave that leaving the text field just sent.
    page.wait_for_function(
        "sel => /\\d\\d[:.]\\d\\d/.test(document.querySelector(sel).textContent)", arg=f"#id_goal-{goal.pk}-why-status"
    )
    assert page.locator("[data-draft-conflict]").count() == 0
    assert page.evaluate("document.activeElement.matches('form.goal-form button[type=submit]')")
    goal = Goal.objects.get(pk=goal.pk)
    assert goal.title == "Læsning for alle"
    assert goal.why == "Fordi læsning bærer al anden læring"


def test_a_workplace_leader_finds_and_ticks_partner_workplaces_with_the_keyboard_alone(page, transactional_db):
    org = factories.build_org()
    agreement = make_agreement(org, goals=0)
    goal = goal_add(agreement=agreement, title="Tryg skolevej", kind=Goal.Kind.CROSS_CUTTING, by=org.leader)
    nursery = factories.WorkplaceFactory(name="Vesterbro Børnehus")
    keyboard_login(page, org.leader.email)
    page.goto(page.base_url + f"/udviklingsaftaler/{agreement.pk}/rediger/")
    search = f"#id_goal-{goal.pk}-partner_search"
    status = f"#id_goal-{goal.pk}-partners-status"

    def tick(text: str, workplace) -> None:
        page.evaluate("sel => { document.querySelector(sel).textContent = '' }", status)
        page.keyboard.type(text)
        # Enter searches at once; it does not submit the goal form.
        page.keyboard.press("Enter")
        match = f"#goal-{goal.pk}-match-{workplace.pk}"
        page.wait_for_selector(match)
        assert page.inner_text(status) == ""  # typing in the search saved nothing
        tab_to(page, match)
        page.keyboard.press("Space")
        # Ticking saves the goal: the status shows the time.
        page.wait_for_function(
            "sel => /\\d\\d[:.]\\d\\d/.test(document.querySelector(sel).textContent)", arg=status, timeout=15_000
        )

    tab_to(page, search)
    tick("vej og", org.other_workplace)
    # Back to the search box; a second search keeps the first workplace ticked.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("sel => document.activeElement.matches(sel)", search):
            break
    page.keyboard.press("Control+A")
    tick("vesterbro", nursery)
    assert page.locator("[data-draft-conflict]").count() == 0
    assert set(Goal.objects.get(pk=goal.pk).partners.all()) == {org.other_workplace, nursery}
    # After a reload both are listed as chosen partners, ticked.
    page.reload()
    for workplace in (org.other_workplace, nursery):
        assert page.is_checked(f"#goal-{goal.pk}-partner-{workplace.pk}")
