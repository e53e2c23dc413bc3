"""The meeting page reads its other workplaces with the meeting (permissions.other_workplaces)."""

from __future__ import annotations

from tests import factories
from tests.meetings import helpers


def test_the_meeting_page_lists_the_other_workplaces_by_name_and_their_staff_see_it(org, client_for):
    aaby = factories.WorkplaceFactory(name="Aaby Børnehus", slug="aaby-bornehus", centre=org.centre)
    meeting = helpers.meeting(org, workplaces=[org.other_workplace, aaby])
    html = client_for(org.member).get(meeting.get_absolute_url()).content.decode()
    assert (
        '<a href="/virksomheder/egeskovskolen/">Egeskovskolen</a> (vært), '
        '<a href="/virksomheder/aaby-bornehus/">Aaby Børnehus</a>, '
        '<a href="/virksomheder/vej-og-park/">Vej og Park</a></dd>'
    ) in html
    # The leader of another workplace taking part sees the meeting and the staff's notes.
    page = client_for(org.other_leader).get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "Medarbejderne viser rundt." in page.content.decode()
    assert [w.name for w in page.context["workplaces"]] == ["Aaby Børnehus", "Vej og Park"]


def test_a_meeting_without_other_workplaces_names_only_its_host(org, client_for):
    meeting = helpers.meeting(org)
    page = client_for(org.member).get(meeting.get_absolute_url())
    assert page.context["workplaces"] == []
    assert '<a href="/virksomheder/egeskovskolen/">Egeskovskolen</a> (vært)</dd>' in page.content.decode()
