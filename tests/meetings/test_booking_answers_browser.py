"""In the browser: a member books with a purpose, the leader proposes another time with a
reason, the member accepts it in one click; the week view of free times by keyboard alone,
and at 375 px as a list of days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Booking, Meeting
from tests import factories
from tests.conftest import axe_violations, login
from tests.meetings import helpers

pytestmark = pytest.mark.browser


def _open_weekday(days: int) -> int:
    """`days` from today, moved on to a Monday–Friday that is not a holiday."""
    from samspil.daysoff import closed_day

    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5 or closed_day(day):
        day += dt.timedelta(days=1)
    return (day - timezone.localdate()).days


@pytest.fixture
def journey(transactional_db):
    org = factories.build_org()
    helpers.kind()
    first = helpers.slot(org, days=_open_weekday(10), hour=9)
    other = helpers.slot(org, days=_open_weekday(17), hour=13)
    return org, first, other


def test_book_with_a_purpose_the_leader_proposes_another_time_the_member_accepts(page, journey):
    org, first, other = journey
    login(page, org.member.email)
    page.goto(page.base_url + "/moeder/besoeg/")
    page.locator(".slot-row", has_text="Egeskovskolen").first.get_by_role("link", name="Book").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Formål").fill("Se læsebåndet i 2. klasse")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Book besøget").click()
    page.wait_for_load_state("networkidle")
    booking = Booking.objects.get(member=org.member)
    assert booking.purpose == "Se læsebåndet i 2. klasse" and booking.slot == first
    assert "Se læsebåndet i 2. klasse" in page.content()

    page.context.clear_cookies()
    login(page, org.leader.email)
    page.goto(page.base_url + Meeting.objects.get(visit_slot=first).get_absolute_url())
    assert "Se læsebåndet i 2. klasse" in page.content()
    page.get_by_role("link", name="Foreslå et andet tidspunkt").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Et af jeres ledige tidspunkter").select_option(str(other.pk))
    page.get_by_label("Begrundelse").fill("Klassen er på tur den dag")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send forslaget").click()
    page.wait_for_load_state("networkidle")
    assert Booking.objects.get(pk=booking.pk).status == "proposed"

    page.context.clear_cookies()
    login(page, org.member.email)
    page.goto(page.base_url + f"/moeder/bookinger/{booking.pk}/forslag/")
    assert "Klassen er på tur den dag" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Tag imod det nye tidspunkt").click()
    page.wait_for_load_state("networkidle")
    new = Booking.objects.get(member=org.member, status="booked")
    assert new.slot == other and new.confirmed_at is not None
    assert "Egeskovskolen" in page.get_by_role("heading", level=1).inner_text()
    # Move and cancel are on the visit's own page.
    assert page.get_by_role("link", name="Flyt besøget").count() == 1
    assert page.get_by_role("link", name="Aflys besøget").count() == 1


def test_the_week_view_by_keyboard_and_at_375_px(page, journey):
    org, first, _other = journey
    login(page, org.member.email)
    week = timezone.localtime(first.starts_at).date()
    page.goto(page.base_url + f"/moeder/besoeg/uge/?uge={week.isoformat()}")
    assert axe_violations(page) == []
    # Tab to the next week, then on to its first free time, and open it with Enter.
    next_link = page.get_by_role("link", name="Næste uge")
    next_link.focus()
    with page.expect_navigation():  # wait for the next week, not the page Enter was pressed on
        page.keyboard.press("Enter")
    previous = page.get_by_role("link", name="Forrige uge")
    previous.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"uge={week - dt.timedelta(days=week.weekday())}" in page.url or "uge=" in page.url
    book = page.locator(f"a[href='/moeder/besoeg/{first.pk}/book/']")
    page.locator("#week-heading").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if book.evaluate("e => e === document.activeElement"):
            break
    assert book.evaluate("e => e === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/moeder/besoeg/{first.pk}/book/" in page.url

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base_url + f"/moeder/besoeg/uge/?uge={week.isoformat()}")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    days = page.locator(".week-day")
    assert days.count() == 5
    # One column: every day below the one before.
    boxes = [days.nth(i).bounding_box() for i in range(5)]
    assert all(boxes[i + 1]["y"] > boxes[i]["y"] for i in range(4))
    assert axe_violations(page) == []
