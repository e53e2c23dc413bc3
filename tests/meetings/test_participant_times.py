"""Each participation carries its meeting's end (meetings/participant_times.py), kept by
the database's triggers whatever writes: my meetings reads the upcoming and the past
participations by it."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from meetings.models import Meeting, Participant
from tests.meetings import helpers


def ends(meeting: Meeting) -> set:
    """The end each of the meeting's participations carries, as the database has it."""
    return set(Participant.objects.filter(meeting=meeting).values_list("meeting_ends_at", flat=True))


def test_a_new_meetings_participations_carry_its_end(org):
    meeting = helpers.meeting(org)
    assert Participant.objects.filter(meeting=meeting).count() >= 3
    assert ends(meeting) == {meeting.ends_at}


def test_participations_made_in_bulk_carry_their_meetings_end(org):
    meeting = helpers.meeting(org)
    Participant.objects.bulk_create(
        [Participant(meeting=meeting, person=person, role="guest") for person in (org.employee, org.director)]
    )
    assert ends(meeting) == {meeting.ends_at}


def test_a_meeting_moved_in_time_moves_its_participations_end(org):
    meeting = helpers.meeting(org, days=14)
    later = meeting.ends_at + dt.timedelta(days=3)
    Meeting.objects.filter(pk=meeting.pk).update(ends_at=later)
    assert ends(meeting) == {later}
    meeting.refresh_from_db()
    meeting.ends_at = later + dt.timedelta(hours=1)
    meeting.save()
    assert ends(meeting) == {later + dt.timedelta(hours=1)}


def test_a_stale_participation_saved_keeps_the_meetings_end(org):
    meeting = helpers.meeting(org, days=14)
    participation = Participant.objects.get(meeting=meeting, person=org.member)
    moved = meeting.ends_at - dt.timedelta(days=20)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at - dt.timedelta(days=20), ends_at=moved)
    # The instance still holds the old end: saving its reply must not write it back.
    participation.response = Participant.Response.YES
    participation.save()
    assert Participant.objects.get(pk=participation.pk).meeting_ends_at == moved


def test_a_participation_moved_to_another_meeting_takes_its_end(org):
    first = helpers.meeting(org, days=14)
    second = helpers.meeting(org, days=40, title="Et andet møde")
    participation = Participant.objects.get(meeting=first, person=org.member)
    Participant.objects.filter(meeting=second, person=org.member).delete()
    Participant.objects.filter(pk=participation.pk).update(meeting=second)
    assert Participant.objects.get(pk=participation.pk).meeting_ends_at == second.ends_at


def test_a_direct_write_of_the_copy_does_not_stick(org):
    meeting = helpers.meeting(org)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_participant SET meeting_ends_at = NULL WHERE meeting_id = %s", [meeting.pk])
    assert ends(meeting) == {meeting.ends_at}


def test_my_meetings_follow_a_meeting_moved_between_past_and_upcoming(org, client_for):
    meeting = helpers.meeting(org, days=14, title="Flyttet møde")
    client = client_for(org.member)

    def titles(**query) -> list[str]:
        return [row["title"] for row in client.get("/moeder/", query).context["page"].object_list]

    assert "Flyttet møde" in titles()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=helpers.at(-3, 16), ends_at=helpers.at(-3, 18))
    assert "Flyttet møde" not in titles()
    assert "Flyttet møde" in titles(when="past")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=helpers.at(9, 16), ends_at=helpers.at(9, 18))
    assert "Flyttet møde" in titles()
    assert "Flyttet møde" not in titles(when="past")
