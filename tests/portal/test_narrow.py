"""No sideways scrolling and no serious axe finding at 320 px on the main page of each
capability, for the role that uses it.

One browser test loads the whole demo municipality once and walks the pages; every page
that overflows is named in one failure.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from organisation.demo import DEMO_PASSWORD
from tests.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages():
    from agreements.models import Agreement
    from meetings.models import Meeting
    from organisation.models import Workplace

    member_meeting = Meeting.objects.filter(participants__person__email="medlem@samspil.example").order_by("pk").first()
    agreement = Agreement.objects.filter(workplace__slug="egeskovskolen").order_by("-pk").first()
    workplace = Workplace.objects.get(slug="egeskovskolen")
    return {
        "medlem@samspil.example": [
            "/",
            "/moeder/",
            "/moeder/besoeg/",
            "/moeder/besoeg/uge/",
            f"/moeder/{member_meeting.pk}/",
            "/udviklingsaftaler/",
            f"/udviklingsaftaler/{agreement.pk}/",
            "/gode-historier/",
            "/gode-historier/udfordringer/",
            "/kodeks/",
            "/konto/notifikationer/",
        ],
        "leder@samspil.example": [
            "/",
            f"/udviklingsaftaler/{agreement.pk}/rediger/",
            f"/moeder/virksomhed/{workplace.slug}/besoegstider/",
            "/kodeks/register/",
        ],
        "direktor@samspil.example": ["/", "/kodeks/register/", "/daekning/"],
    }


def test_no_main_page_scrolls_sideways_or_fails_axe_at_320_px(page, transactional_db):
    call_command("demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 320, "height": 800})
    overflowing, findings = {}, {}
    for email, paths in _pages().items():
        page.context.clear_cookies()
        login(page, email, DEMO_PASSWORD)
        for path in paths:
            response = page.goto(page.base_url + path)
            assert response.status == 200, f"{email} {path}: {response.status}"
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                culprits = page.evaluate(
                    """() => [...document.querySelectorAll('main *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
                )
                overflowing[f"{email} {path}"] = (overflow, culprits)
            violations = axe_violations(page)
            if violations:
                findings[f"{email} {path}"] = violations
    assert not overflowing, overflowing
    assert not findings, findings
