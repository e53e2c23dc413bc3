"""The coverage journey in Chromium: an administrator finds a workplace without contact,
a committee member books a visit there, the leader marks it held, and the dashboard
counts it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Meeting, VisitSlot
from organisation.models import Role
from tests import factories
from tests.conftest import axe_violations, login
from tests.coverage.helpers import held
from tests.meetings import helpers

pytestmark = pytest.mark.browser


@pytest.fixture
def org_live(transactional_db):
    org = factories.build_org()
    helpers.kind()
    return org


def test_an_administrator_sees_a_workplace_without_contact_which_a_member_visits(page, chromium, org_live):
    org = org_live
    quiet = factories.WorkplaceFactory(
        name="Havbakkeskolen", slug="havbakkeskolen", centre=org.centre, committees=[org.committee]
    )
    quiet_leader = factories.UserFactory(email="havbakke-leder@test.example", full_name="Hanne Havbakke")
    factories.grant(quiet_leader, Role.WORKPLACE_LEADER, workplace=quiet)
    held(host=org.workplace, days_ago=40, politicians=[org.member])  # Egeskovskolen is on target

    # The administrator (no two-factor set up: /daekning/ is not an administration page).
    login(page, org.admin.email)
    page.goto(page.base_url + "/daekning/")
    page.select_option("#id_committee", org.committee.slug)
    page.locator("form.coverage-filters button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert f"committee={org.committee.slug}" in page.url
    row = page.locator("tr[data-workplace=havbakkeskolen]")
    assert row.locator(".coverage-missed").is_visible()
    assert row.locator("td[data-column=total]").inner_text() == "0"
    assert page.locator("tr[data-workplace=egeskovskolen] .coverage-met").is_visible()
    assert page.locator("tr[data-workplace=vej-og-park]").count() == 0
    assert axe_violations(page) == []

    # The leader offers a time; a committee member books it on the free times page.
    slot = VisitSlot.objects.create(
        workplace=quiet,
        starts_at=helpers.at(5, 10),
        ends_at=helpers.at(5, 12),
        capacity=2,
        min_notice_hours=24,
        created_by=quiet_leader,
    )
    member_context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
    member = member_context.new_page()
    member.base_url = page.base_url
    login(member, org.member.email)
    member.goto(member.base_url + "/moeder/besoeg/")
    member.click(f"a[href$='/besoeg/{slot.pk}/book/']")
    member.click("main form button[type=submit]")
    member.wait_for_load_state("networkidle")
    meeting = Meeting.objects.get(visit_slot=slot)
    assert member.url.endswith(f"/moeder/{meeting.pk}/")
    assert meeting.participants.filter(person=org.member).exists()
    member_context.close()

    # The visit day comes (the clock moves the meeting, not the test): yesterday 10–12.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time(10), tzinfo=timezone.get_current_timezone())
    VisitSlot.objects.filter(pk=slot.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))

    # The leader, who organises the visit, marks it held in the meetings app.
    leader_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    leader = leader_context.new_page()
    leader.base_url = page.base_url
    login(leader, quiet_leader.email)
    leader.goto(leader.base_url + f"/moeder/{meeting.pk}/")
    leader.locator(f"form[action$='/moeder/{meeting.pk}/afholdt/'] button[type=submit]").click()
    leader.wait_for_load_state("networkidle")
    leader_context.close()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    # The dashboard counts it.
    page.reload()
    page.wait_for_load_state("networkidle")
    row = page.locator("tr[data-workplace=havbakkeskolen]")
    assert row.locator("td[data-column=total]").inner_text() == "1"
    assert row.locator(".coverage-met").is_visible()
    assert page.locator("#stat-without").inner_text() == "0 %"


def test_the_dashboard_reads_at_390_pixels_and_has_no_serious_accessibility_findings(page, org_live):
    held(host=org_live.workplace, days_ago=100, politicians=[org_live.member])
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, org_live.centre_head.email)
    page.goto(page.base_url + "/daekning/")
    assert page.locator("tr[data-workplace=egeskovskolen]").count() == 1
    assert axe_violations(page) == []
    # The page itself does not scroll sideways; wide tables and pictures scroll in their boxes.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.goto(page.base_url + "/daekning/planlaeg/")
    assert axe_violations(page) == []
