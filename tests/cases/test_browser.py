"""The whole flow in Chromium: the secretariat registers a case about Egeskovskolen, the
leader gets the email, drafts the answer with an employee's input, asks to speak and names
the fagleder; the chair accepts; the case shows "heard", the meeting's agenda item shows the
presenter, and the PDF appendix holds the answer verbatim."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from cases.models import Case, Hearing
from organisation.models import Role
from tests.conftest import axe_violations, login
from tests.factories import UserFactory, grant

from .helpers import committee_meeting, secretary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(email: str, path_part: str) -> str:
    for message in mail.outbox:
        if message.to == [email]:
            for url in re.findall(r"https?://\S+", message.body):
                if path_part in url:
                    return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no email to {email} with a link to {path_part}: {[m.subject for m in mail.outbox]}")


def _eventually(page, condition, timeout_ms: int = 15_000) -> None:
    """Wait for a condition on the database (the autosave's request runs in the server)."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, "the condition did not come true"
        page.wait_for_timeout(100)
        waited += 100


def _switch(page, email: str) -> None:
    page.context.clear_cookies()
    login(page, email)


def _serious(page) -> list[dict]:
    # The footer's language button is the foundation's (see tests/agreements/test_browser.py).
    page.evaluate("document.querySelector('footer form[action$=\"/i18n/setlang/\"] button')?.remove()")
    return axe_violations(page)


def test_a_case_is_heard_answered_with_input_and_presented_by_the_fagleder(page, org, settings):
    settings.SITE_URL = page.base_url
    fagleder = UserFactory(email="fagleder@test.example", full_name="Frida Fagleder")
    grant(fagleder, Role.EMPLOYEE, workplace=org.workplace)
    meeting = committee_meeting(org)
    clerk = secretary(org)
    mail.outbox.clear()

    # 1. The committee secretary registers the case and opens the hearing.
    login(page, clerk.email)
    page.goto(page.base_url + "/sager/ny/")
    page.select_option("#id_meeting", str(meeting.pk))
    page.fill("#id_title", "Ny struktur for SFO")
    page.fill("#id_summary", "Forvaltningen foreslår at samle SFO'erne i to huse.")
    page.select_option("#id_workplaces", str(org.workplace.pk))
    page.fill("#id_contact_name", "Karen Forvaltning")
    page.fill("#id_esdh_number", "17.01.00-A00-3-26")
    page.click("button[value=open]")
    page.wait_for_url(re.compile(r"/sager/\d+/$"))
    case = Case.objects.get(title="Ny struktur for SFO")
    assert case.status == Case.Status.IN_HEARING
    assert page.locator(".hearing-state-open").count() == 1
    assert _serious(page) == []

    # 2. The leader gets the email, invites an employee.
    hearing_url = _link(org.leader.email, "/sager/hoering/")
    _switch(page, org.leader.email)
    page.goto(page.base_url + hearing_url)
    page.check(f"input[name=people][value='{org.employee.pk}']")
    page.click("form[action$='/inviter/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert _serious(page) == []

    # 3. The employee follows their own email and adds input.
    _switch(page, org.employee.email)
    page.goto(page.base_url + _link(org.employee.email, "/sager/hoering/"))
    page.fill("#id_text", "Husk at forældrerådet skal høres om åbningstiderne")
    page.click("form[action$='/bidrag/'] button[type=submit]")
    page.wait_for_load_state("networkidle")

    # 4. The leader drafts (autosaved), quotes the input, asks to speak with the fagleder, submits.
    _switch(page, org.leader.email)
    page.goto(page.base_url + hearing_url)
    page.locator("#id_answer").press_sequentially("Egeskovskolen bakker op om forslaget.", delay=5)
    page.wait_for_function("() => /\\d\\d[:.]\\d\\d/.test(document.querySelector('#answer-status').textContent)")
    assert page.locator("#id_version").input_value() == "2"
    page.click("[data-quote-source]")  # inserts the input as a quote and autosaves
    hearing = Hearing.objects.get(case=case)
    _eventually(page, lambda: "»Husk at forældrerådet" in Hearing.objects.get(pk=hearing.pk).answer)
    page.wait_for_function("() => !document.querySelector('#answer-form').classList.contains('htmx-request')")
    page.select_option("#id_presenter", str(fagleder.pk))
    page.fill("#id_presenter_title", "Fagleder for indskolingen")
    # The speak form is its own form: the draft is already saved.
    page.click("form[action$='/foretraede/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    answer = page.locator("#id_answer").input_value()
    page.click("button[formaction$='/indsend/']")
    page.wait_for_url(re.compile(r"/sager/\d+/$"))
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.ANSWERED and hearing.submitted_text == answer.replace("\r\n", "\n")
    assert hearing.speaking == Hearing.Speaking.REQUESTED

    # 5. The chair accepts the fagleder.
    _switch(page, org.chair.email)
    page.goto(page.base_url + f"/sager/{case.pk}/")
    page.fill(f"#minutes-{hearing.pk}", "10")
    page.click(f"#hearing-{hearing.pk} button[formaction$='/accept/']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".hearing-state-answered").count() == 1
    assert "hørt: besvaret" in page.content()
    assert hearing.sha256 == Hearing.objects.get(pk=hearing.pk).sha256
    assert hearing.sha256 in page.content()
    assert _serious(page) == []

    # 6. The meeting's agenda item shows the presenter; the fagleder is invited with an .ics.
    page.goto(page.base_url + f"/moeder/{meeting.pk}/")
    agenda = page.locator("ol.agenda").inner_text()
    assert "Ny struktur for SFO" in agenda
    assert "Frida Fagleder, Fagleder for indskolingen (Egeskovskolen)" in agenda
    assert any(m.to == [fagleder.email] and "foretræde" in m.subject for m in mail.outbox)

    # 7. The PDF appendix holds the answer verbatim.
    response = page.request.get(page.base_url + f"/sager/{case.pk}/pdf/")
    assert response.ok
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.body())).pages)
    assert " ".join(hearing.submitted_text.split()) in text
