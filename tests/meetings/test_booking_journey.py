"""The journey that matters most: a committee member books a workplace visit."""

from __future__ import annotations

import re

import pytest

from meetings.models import Booking
from tests import factories
from tests.conftest import axe_violations, login
from tests.meetings import helpers

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(transactional_db):
    org = factories.build_org()
    helpers.kind()  # the kinds, which a transactional test's flush removed
    slot = helpers.slot(org, days=12, hour=9, capacity=2, note="Mød op i receptionen")
    return org, slot


def test_a_committee_member_finds_a_free_visit_time_books_it_and_sees_it_under_my_meetings(page, journey):
    org, slot = journey
    # Wide enough for the whole menu bar (it collapses into the menu button below 1400 px).
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, org.member.email)

    # The menu leads to the free visit times.
    page.get_by_role("link", name=re.compile("Book besøg|Book a visit")).first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() in ("Book besøg", "Book a visit")
    assert axe_violations(page) == []
    row = page.locator(".slot-row", has_text="Egeskovskolen")
    assert "Mød op i receptionen" in row.inner_text()

    # Book leads to the booking page, where the purpose is written; booking opens the meeting page.
    row.get_by_role("link", name=re.compile("^Book")).click()
    page.wait_for_load_state("networkidle")
    page.get_by_label(re.compile("Formål|Purpose")).fill("Se indskolingen")
    page.get_by_role("button", name=re.compile("Book besøget|Book the visit")).click()
    page.wait_for_load_state("networkidle")
    assert "/moeder/" in page.url
    assert "Egeskovskolen" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator(".participants", has_text=org.member.full_name).count() == 1
    assert axe_violations(page) == []
    assert Booking.objects.filter(slot=slot, member=org.member, status="booked").count() == 1

    # It is listed under my meetings.
    page.get_by_role("link", name=re.compile("^ *(Møder|Meetings)$")).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".meeting-row", has_text="Egeskovskolen").count() == 1
    assert axe_violations(page) == []

    # And at 390 px the same list still works.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator(".meeting-row", has_text="Egeskovskolen").is_visible()
