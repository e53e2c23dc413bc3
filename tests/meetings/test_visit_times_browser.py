"""A leader offers visit times in the browser; a mistake is explained where it was made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import VisitSlot
from tests import factories
from tests.conftest import axe_violations, login
from tests.meetings import helpers

pytestmark = pytest.mark.browser


@pytest.fixture
def org_live(transactional_db):
    org = factories.build_org()
    helpers.kind()
    return org


def test_a_leader_corrects_an_end_before_the_start_and_publishes_three_weekly_times(page, org_live):
    login(page, org_live.leader.email)
    page.goto(page.base_url + "/moeder/virksomhed/egeskovskolen/besoegstider/")
    assert axe_violations(page) == []
    day = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    page.fill("#id_slot-date", day)
    page.fill("#id_slot-start", "14:00")
    page.fill("#id_slot-end", "13:00")
    page.fill("#id_slot-repeat_weeks", "3")
    page.fill("#id_slot-note", "Mød op i receptionen")
    page.locator("form:has(#id_slot-date) button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    # The message sits on the end field; everything typed is still there.
    assert page.locator("#id_slot-end.is-invalid").count() == 1
    assert page.input_value("#id_slot-start") == "14:00"
    assert page.input_value("#id_slot-note") == "Mød op i receptionen"
    assert page.input_value("#id_slot-repeat_weeks") == "3"
    assert axe_violations(page) == []

    page.fill("#id_slot-end", "15:30")
    page.locator("form:has(#id_slot-date) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert VisitSlot.objects.filter(workplace=org_live.workplace).count() == 3
    assert page.locator(".slot-row").count() == 3
