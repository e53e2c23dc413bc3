"""At 1280 px the coverage table's status and days-since columns are on screen without
sideways scrolling, and the heat map comes before the long table, not below it."""

from __future__ import annotations

import pytest

from organisation.models import WorkplaceKind
from tests import factories
from tests.conftest import login
from tests.coverage.helpers import held
from tests.meetings import helpers

pytestmark = pytest.mark.browser


def test_status_and_days_since_are_visible_at_1280_px(page, chromium, transactional_db):
    org = factories.build_org()
    helpers.kind()
    for slug, name in (("dagtilbud", "Dagtilbud"), ("plejecenter", "Plejecenter"), ("bibliotek", "Bibliotek")):
        WorkplaceKind.objects.get_or_create(slug=slug, defaults={"name": name})
    held(host=org.workplace, days_ago=40, politicians=[org.member])
    login(page, org.director.email)
    page.goto(page.base_url + "/daekning/")
    viewport = page.viewport_size["width"]
    for header in ("Status", "Dage siden"):
        box = page.locator("#table-heading ~ .table-responsive thead th", has_text=header).first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= viewport, (header, box)
    row = page.locator("tr[data-workplace=egeskovskolen]")
    assert row.locator(".coverage-status").is_visible()
    heat = page.locator("#heat-heading").bounding_box()
    table = page.locator("#table-heading").bounding_box()
    assert heat["y"] < table["y"]
