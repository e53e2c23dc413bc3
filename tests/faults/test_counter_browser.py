"""Issue 15, point 4: long text fields show their counted characters (static/js/samspil.js,
no inline script: the CSP forbids them)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SAMSPIL_SCREENSHOTS", "")


def test_a_long_field_counts_its_characters_and_stays_accessible(page, org):
    login(page, org.chair.email)
    page.goto(page.base_url + "/moeder/ny/")
    counter = page.locator("#id_purpose-count")
    assert counter.inner_text() == "0 / 4000 tegn"
    assert "id_purpose-count" in page.locator("#id_purpose").get_attribute("aria-describedby")
    page.fill("#id_purpose", "Hvordan lykkes inklusionen?")
    assert counter.inner_text() == "27 / 4000 tegn"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/counter-1280.png", full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=f"{SHOTS}/counter-375.png", full_page=True)
    assert axe_violations(page) == []
