"""The challenge journey in Chromium (issue 18.2): an employee tells a challenge, the leader
sends it to the committee, a member follows up and books a visit from it."""

from __future__ import annotations

import pytest

from meetings.models import Booking
from stories.models import ChallengeReply, Story
from tests.conftest import axe_violations, login
from tests.factories import PASSWORD
from tests.meetings.helpers import slot
from tests.stories.helpers import make_challenge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.context.clear_cookies()


def test_an_employee_tells_a_challenge_the_leader_sends_it_and_a_member_books_a_visit_from_it(page, org):
    visit_time = slot(org, days=10, hour=10)

    # The employee tells the challenge: what is hard, what they tried, what would help.
    login(page, org.employee.email, PASSWORD)
    page.goto(page.base_url + "/gode-historier/udfordringer/ny/")
    assert not axe_violations(page)
    page.fill("#id_title", "For få voksne i morgenåbningen")
    page.fill("#id_summary", "To voksne til 40 børn fra 6.30.")
    page.fill("#id_body", "De yngste får en urolig start på dagen.")
    page.fill("#id_tried", "Vi har flyttet mødetider.")
    page.fill("#id_would_help", "En fælles vikarpulje.")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    challenge = Story.objects.get()
    assert challenge.is_challenge and challenge.status == Story.Status.SUBMITTED
    assert page.locator("h1").inner_text() == "For få voksne i morgenåbningen"
    logout(page)

    # The leader reads it and sends it to the committee.
    login(page, org.leader.email, PASSWORD)
    page.goto(page.base_url + challenge.get_absolute_url())
    assert not axe_violations(page)
    page.click("form[action$='/udgiv/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    challenge.refresh_from_db()
    assert challenge.is_published and challenge.visibility == "internal"
    logout(page)

    # A committee member finds it among the challenges, answers, and asks to hear more at a visit:
    # the answer is kept and the member lands on the workplace's visit times, and books one.
    login(page, org.member.email, PASSWORD)
    page.goto(page.base_url + "/gode-historier/udfordringer/")
    assert not axe_violations(page)
    page.click("text=For få voksne i morgenåbningen")
    page.wait_for_load_state("networkidle")
    assert "En fælles vikarpulje." in page.locator("article").inner_text()
    assert not axe_violations(page)
    page.fill("#id_text", "Tak for en ærlig beskrivelse.")
    page.check("#id_wants_visit")
    page.click("form.challenge-reply-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    reply = ChallengeReply.objects.get()
    assert reply.author == org.member and reply.wants_visit
    assert "/moeder/besoeg/" in page.url and f"workplace={org.workplace.slug}" in page.url
    page.click(f"a[href$='/besoeg/{visit_time.pk}/book/']")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    booking = Booking.objects.get()
    assert booking.member == org.member and booking.slot == visit_time

    # Back on the challenge, the answer is there, and the visit is one click away again.
    page.goto(page.base_url + challenge.get_absolute_url())
    assert "Tak for en ærlig beskrivelse." in page.locator(".challenge-replies").inner_text()
    assert page.locator("a", has_text="Book et besøg").count() == 1
    logout(page)

    # Never for the public: the public page and a stranger see nothing of it.
    page.goto(page.base_url + "/gode-historier/offentlige/")
    assert "morgenåbningen" not in page.content()
    response = page.request.get(page.base_url + f"/gode-historier/offentlige/{challenge.pk}/")
    assert response.status == 404


@pytest.mark.parametrize("width", [1280, 320])
def test_the_challenge_pages_have_no_serious_accessibility_findings(page, org, width):
    challenge = make_challenge(org.workplace, org.employee)
    ChallengeReply.objects.create(story=challenge, author=org.chair, text="Vi kommer gerne forbi.", wants_visit=True)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, org.member.email, PASSWORD)
    for path in ("/gode-historier/udfordringer/", challenge.get_absolute_url()):
        page.goto(page.base_url + path)
        assert not axe_violations(page), path
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
