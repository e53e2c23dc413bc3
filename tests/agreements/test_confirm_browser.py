"""Issue 16.2 in Chromium: signing an agreement with the same explicit consent as the code
of conduct, and the confirmation pages at 1280, 375 and 320 px with no serious axe finding."""

from __future__ import annotations

import re

import pytest

from agreements import services
from agreements.models import Approval
from tests.conftest import axe_violations, login

from .helpers import make_agreement, make_template, own_goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(page) -> list[dict]:
    page.evaluate("document.querySelector('footer form[action$=\"/i18n/setlang/\"] button')?.remove()")
    return axe_violations(page)


def test_the_leader_signs_only_after_ticking_the_consent_box(page, org):
    agreement = make_agreement(org, "approved")
    login(page, org.leader.email)
    page.goto(page.base_url + agreement.get_absolute_url())
    page.click(f"a[href$='/udviklingsaftaler/{agreement.pk}/underskriv/']")
    page.wait_for_url(re.compile(rf"/udviklingsaftaler/{agreement.pk}/underskriv/$"))
    assert "Eget mål 1" in page.inner_text("main")
    assert org.centre_head.full_name in page.inner_text("main")  # who signs after the leader
    # Without the box: refused, the message at the box, nothing signed.
    page.click("form.confirm-step button[type=submit]")
    page.wait_for_load_state("networkidle")
    error = page.locator("#id_consent-error")
    assert error.is_visible() and "Sæt kryds" in error.inner_text()
    assert page.get_attribute("#id_consent", "aria-describedby") == "id_consent-error"
    assert not Approval.objects.filter(agreement=agreement, kind="leader").exists()
    assert _serious(page) == []
    # With it: signed, and back on the agreement.
    page.check("#id_consent")
    page.click("form.confirm-step button[type=submit]")
    page.wait_for_url(re.compile(rf"/udviklingsaftaler/{agreement.pk}/$"))
    assert Approval.objects.filter(agreement=agreement, kind="leader", person=org.leader).exists()


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_confirmation_pages_fit_the_screen_and_pass_axe(page, org, width):
    import datetime as dt

    draft = make_agreement(org, "draft")
    dialogue = make_agreement(
        org, "in_dialogue", template=make_template(start=dt.date(2029, 1, 1), end=dt.date(2030, 12, 31))
    )
    services.comment_add(goal=own_goal(dialogue), author=org.member, text="Hvordan " + "måler I læseglæden? " * 30)
    approved = make_agreement(
        org, "approved", template=make_template(start=dt.date(2031, 1, 1), end=dt.date(2032, 12, 31))
    )
    page.set_viewport_size({"width": width, "height": 900})
    for person, path in (
        (org.leader, f"/udviklingsaftaler/{draft.pk}/send-til-dialog/"),
        (org.chair, f"/udviklingsaftaler/{dialogue.pk}/godkend/"),
        (org.leader, f"/udviklingsaftaler/{approved.pk}/underskriv/"),
    ):
        page.context.clear_cookies()
        login(page, person.email)
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        assert _serious(page) == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
