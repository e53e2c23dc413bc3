"""Issue 16.2: the minutes' lock confirmation at 1280, 375 and 320 px, with no serious axe
finding, and locked only after the box is ticked."""

from __future__ import annotations

import re

import pytest

from meetings import services
from meetings.models import Minutes
from tests.conftest import axe_violations, login

from . import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_lock_confirmation_fits_and_locks_only_with_the_box(page, org, width):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="Udkast.", based_on_version=0)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, org.chair.email)
    page.goto(page.base_url + f"/moeder/{meeting.pk}/referat/laas/")
    assert org.member.full_name in page.inner_text("main")
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    page.click("form.confirm-step button[type=submit]")
    page.wait_for_selector("#id_confirm-error")
    assert Minutes.objects.get(meeting=meeting).status != Minutes.Status.LOCKED
    page.check("#id_confirm")
    page.click("form.confirm-step button[type=submit]")
    page.wait_for_url(re.compile(rf"/moeder/{meeting.pk}/$"))
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.LOCKED
