"""The booking journey's calendar end: the member downloads the booked visit's .ics and the
leader's invitation email arrives with the attachment (a real browser, a real SMTP server)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from icalendar import Calendar

from meetings.models import Meeting
from tests import factories
from tests.conftest import axe_violations, login
from tests.meetings import helpers

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(transactional_db):
    org = factories.build_org()
    helpers.kind()  # the kinds, which a transactional test's flush removed
    slot = helpers.slot(org, days=12, hour=9, capacity=2, note="Mød op i receptionen")
    return org, slot


def test_a_member_books_a_visit_downloads_its_ics_and_the_leader_gets_the_invitation(page, journey, smtp_server):
    org, slot = journey
    login(page, org.member.email)
    page.goto(page.base_url + "/moeder/besoeg/")
    page.locator(".slot-row", has_text="Egeskovskolen").get_by_role("link", name=re.compile("Book")).click()
    page.locator("main form button[type=submit]").click()  # the booking page
    page.wait_for_load_state("networkidle")
    meeting = Meeting.objects.get(visit_slot=slot)
    assert page.url.endswith(meeting.get_absolute_url())

    # The meeting page offers the .ics; the browser downloads it.
    with page.expect_download() as info:
        page.locator("a[href$='/kalender.ics']").click()
    download = info.value
    assert download.suggested_filename == f"samspil-meeting-{meeting.pk}.ics"
    cal = Calendar.from_ical(Path(download.path()).read_bytes())
    assert str(cal["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event["DTSTART"].dt.hour == 9 and event.decoded("DTSTART") == slot.starts_at
    assert str(event["UID"]) == f"{meeting.uid}@samspil"
    assert str(event["ORGANIZER"]) == f"mailto:{org.leader.email}"
    assert {str(a) for a in event.get("ATTENDEE")} == {f"mailto:{org.leader.email}", f"mailto:{org.member.email}"}

    # The leader's invitation arrives at the SMTP server, with the .ics attached.
    def invitation_to(address):
        for item in smtp_server.messages:
            if item["to"] == [address] and any(
                p.get_content_type() == "application/ics" for p in item["message"].walk()
            ):
                return item["message"]
        return None

    smtp_server.wait_for(3)  # the booking notice and two invitations
    invitation = invitation_to(org.leader.email)
    assert invitation is not None, [(m["to"], str(m["message"]["Subject"])) for m in smtp_server.messages]
    (part,) = [p for p in invitation.walk() if p.get_content_type() == "application/ics"]
    invite = Calendar.from_ical(part.get_payload(decode=True))
    assert str(invite["METHOD"]) == "REQUEST"
    (invited,) = invite.walk("VEVENT")
    assert str(invited["UID"]) == f"{meeting.uid}@samspil"
    assert [p.get_param("method") for p in invitation.walk() if p.get_content_type() == "text/calendar"] == ["REQUEST"]
    assert invitation_to(org.member.email) is not None

    # The calendar page shows the member a feed address to subscribe to.
    page.goto(page.base_url + "/moeder/kalender/")
    page.get_by_role("button", name=re.compile("calendar address|kalenderadresse", re.I)).click()
    page.wait_for_load_state("networkidle")
    feed_url = page.locator("#feed-url").input_value()
    assert "/moeder/kalender/abonnement/" in feed_url
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator("#feed-url").is_visible()
