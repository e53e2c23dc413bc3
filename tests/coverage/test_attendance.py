"""Coverage counts who took part: where the minutes record attendance, the attendance;
elsewhere, as before, everyone who did not decline (issue 16, point 5)."""

from __future__ import annotations

from meetings import minutes as minutes_services
from meetings.models import Participant
from tests.coverage.helpers import held
from tests.coverage.test_freshness import row


def _marks(meeting, **by_person):
    return {
        p.pk: by_person[p.person.email]
        for p in Participant.objects.filter(meeting=meeting).select_related("person")
        if p.person.email in by_person
    }


def test_recorded_attendance_decides_who_counts_as_met(org, client_for):
    client = client_for(org.admin)
    meeting = held(host=org.workplace, days_ago=5, politicians=[org.member, org.chair])
    # Both answered yes: both count until the minutes say otherwise.
    assert row(client)[0].politicians == 2
    minutes_services.attendance_save(
        meeting=meeting,
        actor=org.admin,
        marks=_marks(meeting, **{org.member.email: "absent", org.chair.email: "present"}),
    )
    after, _queries = row(client)
    assert after.politicians == 1  # the member stayed away, whatever they answered
    assert after.total == 1  # the meeting itself still counts as held


def test_a_politician_who_declined_but_came_counts_and_an_excused_one_does_not(org, client_for):
    client = client_for(org.admin)
    meeting = held(host=org.workplace, days_ago=5, politicians=[org.member, org.chair])
    Participant.objects.filter(meeting=meeting, person=org.member).update(response=Participant.Response.NO)
    assert row(client)[0].politicians == 1
    minutes_services.attendance_save(
        meeting=meeting,
        actor=org.admin,
        marks=_marks(meeting, **{org.member.email: "present", org.chair.email: "excused"}),
    )
    assert row(client)[0].politicians == 1  # now the member (present), not the chair (excused)
    minutes_services.attendance_save(
        meeting=meeting, actor=org.admin, marks=_marks(meeting, **{org.chair.email: "present"})
    )
    assert row(client)[0].politicians == 2


def test_meetings_without_recorded_attendance_keep_their_figures(org, client_for):
    client = client_for(org.admin)
    held(host=org.workplace, days_ago=5, politicians=[org.member, org.chair])
    other = held(host=org.workplace, days_ago=8, politicians=[org.member])
    Participant.objects.filter(meeting=other).update(response=Participant.Response.NO)
    figures, _queries = row(client)
    assert (figures.total, figures.politicians) == (2, 2)
