"""Journeys in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import pytest

from organisation.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    from organisation import demo

    demo.load({})


@pytest.mark.parametrize("role", ["administrator", "chair", "member", "leader", "employee", "centre_head", "director"])
def test_every_demo_account_logs_in_and_lands_on_its_start_page(page, demo, role):
    email, name, _title = DEMO_ACCOUNTS[role]
    login(page, email, DEMO_PASSWORD)
    assert page.url.rstrip("/") == page.base_url
    assert page.locator("h1").inner_text().endswith(name.split()[0])
    assert page.locator("nav[aria-label] a.nav-link.active").count() == 1


def test_a_wrong_password_shows_a_message_and_keeps_the_email(page, demo):
    login(page, "leder@samspil.example", "wrong-password")
    assert "/konto/login/" in page.url
    assert page.input_value("input[name=login]") == "leder@samspil.example"
    assert page.locator(".alert-danger, .invalid-feedback").count() >= 1


FOUNDATION_PAGES = {
    "anonymous": ["/konto/login/", "/konto/password/reset/"],
    "leder@samspil.example": [
        "/",
        "/udvalg/",
        "/udvalg/born-og-unge/",
        "/virksomheder/",
        "/virksomheder/egeskovskolen/",
        "/virksomheder/egeskovskolen/rediger/",
        "/virksomheder/findes-ikke/",
    ],
    "admin@samspil.example": ["/"],
}


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_axe_finds_nothing_serious_on_the_foundation_pages(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    findings = {}
    for who, paths in FOUNDATION_PAGES.items():
        if who != "anonymous":
            login(page, who, DEMO_PASSWORD)
        for path in paths:
            page.goto(page.base_url + path)
            violations = axe_violations(page)
            if violations:
                findings[f"{who} {path}"] = violations
            # No horizontal scrolling on a phone.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
        page.context.clear_cookies()
    assert not findings, findings


def test_the_menu_works_with_the_keyboard_on_a_phone(page, demo):
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, "medlem@samspil.example", DEMO_PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() in ("Gå til indhold", "Skip to content")
    toggler = page.locator(".navbar-toggler")
    toggler.focus()
    page.keyboard.press("Enter")
    page.locator("#main-nav a.nav-link", has_text="Virksomheder").wait_for(state="visible")
    page.locator("#main-nav a.nav-link", has_text="Virksomheder").press("Enter")
    page.wait_for_url("**/virksomheder/")
    assert page.locator("h1").inner_text() == "Virksomheder"
