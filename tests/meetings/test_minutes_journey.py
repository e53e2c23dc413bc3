"""The minutes writer's journey in the browser (issue 16, point 5): the draft starts from
the agenda, attendance is recorded, participants are asked to read by a deadline, one
reads, and the writer locks after a warning that names who has not read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Minutes, MinutesReadRequest, Participant
from tests import factories
from tests.conftest import axe_violations, login
from tests.meetings import helpers

pytestmark = pytest.mark.browser


@pytest.fixture
def held_meeting(transactional_db):
    org = factories.build_org()
    helpers.kind()
    meeting = helpers.meeting(org, days=-1, title="Dialogmøde om trivsel")
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, order=1, title="Velkomst", presenter=org.chair),
            AgendaItem(meeting=meeting, order=2, title="Trivselsmålingen", presenter=org.leader),
        ]
    )
    return org, meeting


def _no_sideways_scroll(page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, page.url
    page.set_viewport_size({"width": 1440, "height": 900})
    page.reload()


def test_the_writer_starts_from_the_agenda_records_attendance_asks_for_reading_and_locks(page, held_meeting):
    org, meeting = held_meeting
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, org.chair.email)
    page.goto(page.base_url + meeting.get_absolute_url())

    # 1. The draft starts with the agenda's items.
    page.get_by_role("link", name="Skriv referatet").first.click()
    text = page.get_by_label("Referat")
    assert text.input_value().startswith("1. Velkomst (oplægsholder: Chair)")
    assert "2. Trivselsmålingen (oplægsholder: Leader)" in text.input_value()
    text.fill(
        text.input_value().replace("(oplægsholder: Chair)\n", "(oplægsholder: Chair)\nFormanden bød velkommen.\n")
    )
    page.get_by_role("button", name="Gem referat").click()
    page.wait_for_load_state("networkidle")
    assert "Formanden bød velkommen." in page.locator(".minutes-text").inner_text()

    # 2. Attendance: who came, not who answered.
    page.get_by_role("link", name="Registrér fremmøde").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hvem kom?"
    assert axe_violations(page) == []
    _no_sideways_scroll(page)
    # Who said yes is ticked present already; the leader never answered but came.
    page.get_by_role("group", name=re.compile("^Leader")).get_by_label("til stede").check()
    page.get_by_role("group", name=re.compile("^Member")).get_by_label("afbud").check()
    page.get_by_label("Andre til stede (uden konto)").fill("Jens Holm, pedel")
    page.get_by_role("button", name="Gem fremmøde").click()
    page.wait_for_load_state("networkidle")
    attendance = page.get_by_test_id("attendance").inner_text()
    assert "Jens Holm, pedel" in attendance and "Afbud (1)" in attendance
    assert Participant.objects.get(meeting=meeting, person=org.member).attendance == "excused"

    # 3. Ask for reading, with a deadline three days ahead.
    page.get_by_role("link", name="Bed deltagerne læse udkastet").click()
    assert axe_violations(page) == []
    _no_sideways_scroll(page)
    page.get_by_label(re.compile("Member")).check()
    deadline = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("Læses senest (dato)").fill(deadline.isoformat())
    page.get_by_role("button", name="Bed om læsning").click()
    page.wait_for_load_state("networkidle")
    assert "0 af 2 har læst udkastet" in page.get_by_test_id("reading").inner_text()
    assert axe_violations(page) == []

    # 4. A participant reads the draft.
    reader = page.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    member = reader.new_page()
    member.base_url = page.base_url
    login(member, org.member.email)
    member.goto(page.base_url + meeting.get_absolute_url())
    member.get_by_role("button", name="Jeg har læst udkastet").click()
    member.wait_for_load_state("networkidle")
    assert "Du markerede udkastet som læst" in member.get_by_test_id("my-reading").inner_text()
    assert axe_violations(member) == []
    reader.close()
    assert MinutesReadRequest.objects.get(person=org.member).read_at is not None

    # 5. The writer sees who has read, and locking before the deadline names who has not.
    page.reload()
    assert "1 af 2 har læst udkastet" in page.get_by_test_id("reading").inner_text()
    page.get_by_role("link", name="Lås referatet").click()  # the confirmation page (issue 16.2)
    page.check("#id_confirm")
    page.locator("form.confirm-step button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    warning = page.get_by_test_id("unread-warning").inner_text()
    assert "Leader" in warning and "Member" not in warning
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lås alligevel").click()
    page.wait_for_load_state("networkidle")
    assert Minutes.objects.get(meeting=meeting).is_locked
    attendance = page.get_by_test_id("attendance").inner_text()
    assert "Til stede (3)" in attendance  # the chair, the leader and the guest without an account
