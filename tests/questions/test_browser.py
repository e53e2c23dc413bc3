"""In Chromium: a member asks Egeskovskolen a question and the leader's colleague answers it."""

from __future__ import annotations

import pytest

from questions.models import Question
from tests import factories
from tests.conftest import axe_violations, login

pytestmark = pytest.mark.browser


@pytest.fixture
def org_live(transactional_db):
    return factories.build_org()


def test_a_member_asks_and_the_leaders_colleague_answers(page, chromium, org_live):
    org = org_live
    login(page, org.member.email)
    page.goto(page.base_url + "/spoergsmaal/")
    page.get_by_role("link", name="Spørg en arbejdsplads").click()
    page.get_by_label("Egeskovskolen").check()
    page.fill("#id_text", "Hvordan bruger I udeskolen om vinteren?")
    page.get_by_role("button", name="Send spørgsmålet").click()
    # Without the confirmation nothing is sent, and the text stays.
    assert page.locator("#id_text").input_value() == "Hvordan bruger I udeskolen om vinteren?"
    assert axe_violations(page) == []
    page.get_by_label("Spørgsmålet handler om opgaven").check()
    page.get_by_role("button", name="Send spørgsmålet").click()
    page.wait_for_url("**/spoergsmaal/*/")
    question = Question.objects.get()

    def as_person(email: str):
        context = chromium.new_context(viewport={"width": 375, "height": 800}, locale="da-DK")
        other = context.new_page()
        other.base_url = page.base_url
        login(other, email)
        other.goto(page.base_url + question.get_absolute_url())
        return context, other

    leader_context, leader = as_person(org.leader.email)
    leader.select_option("#id_assignee", str(org.employee.pk))
    leader.get_by_role("button", name="Giv videre").click()
    leader.wait_for_load_state("networkidle")
    leader_context.close()

    employee_context, employee = as_person(org.employee.email)
    employee.fill("#id_answer", "Vi går ud hver tirsdag, også i frost.")
    employee.get_by_role("button", name="Send svaret").click()
    employee.wait_for_load_state("networkidle")
    assert axe_violations(employee) == []
    assert employee.evaluate("document.documentElement.scrollWidth") <= 375
    employee_context.close()

    page.reload()
    assert "Vi går ud hver tirsdag, også i frost." in page.content()
    assert org.employee.full_name in page.locator("#answer-heading").inner_text()
