"""Minutes: drafted, amended by participants, locked; any two versions compared."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.models import Minutes, MinutesVersion
from samspil.errors import ServiceError
from tests.meetings import helpers


def test_each_save_is_a_new_version_draft_then_amended(org):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="Udkast", based_on_version=0)
    minutes = services.minutes_save(meeting=meeting, author=org.member, text="Udkast\nTilføjet", based_on_version=1)
    assert minutes.status == "amended" and minutes.version == 2
    versions = list(MinutesVersion.objects.order_by("number").values_list("number", "status", "author__email"))
    assert versions == [(1, "draft", "chair@test.example"), (2, "amended", "member@test.example")]


def test_a_stale_save_is_refused_instead_of_overwriting_someone_else(org):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="A", based_on_version=0)
    services.minutes_save(meeting=meeting, author=org.member, text="B", based_on_version=1)
    with pytest.raises(services.MinutesConflict):
        services.minutes_save(meeting=meeting, author=org.leader, text="C", based_on_version=1)
    assert Minutes.objects.get().text == "B"


def test_a_stale_save_in_the_browser_keeps_the_text_and_shows_the_saved_version(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="Formandens tekst", based_on_version=0)
    response = client_for(org.member).post(f"/moeder/{meeting.pk}/referat/", {"text": "Min egen tekst", "version": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Min egen tekst" in html and "Formandens tekst" in html
    assert "text" in response.context["form"].errors


def test_locked_minutes_cannot_change(org, client_for):
    meeting = helpers.locked_minutes(helpers.meeting(org, days=-1), org.chair)
    with pytest.raises(ServiceError):
        services.minutes_save(meeting=meeting, author=org.chair, text="Ændret", based_on_version=3)
    response = client_for(org.chair).post(f"/moeder/{meeting.pk}/referat/", {"text": "Ændret", "version": "3"})
    assert response.status_code == 302
    assert Minutes.objects.get().text == "Første udkast.\nRettet."
    with pytest.raises(ServiceError):
        services.minutes_lock(meeting=meeting, actor=org.chair)


def test_staff_read_locked_minutes_but_not_drafts(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="Hemmeligt udkast", based_on_version=0)
    assert "Hemmeligt udkast" not in client_for(org.employee).get(meeting.get_absolute_url()).content.decode()
    assert "Hemmeligt udkast" in client_for(org.member).get(meeting.get_absolute_url()).content.decode()
    services.minutes_lock(meeting=meeting, actor=org.chair)
    assert "Hemmeligt udkast" in client_for(org.employee).get(meeting.get_absolute_url()).content.decode()


def test_two_versions_compare_side_by_side(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    services.minutes_save(meeting=meeting, author=org.chair, text="Linje 1\nLinje 2\nLinje 3", based_on_version=0)
    services.minutes_save(
        meeting=meeting, author=org.chair, text="Linje 1\nLinje 2 rettet\nLinje 3\nLinje 4", based_on_version=1
    )
    services.minutes_lock(meeting=meeting, actor=org.chair)
    response = client_for(org.member).get(f"/moeder/{meeting.pk}/referat/sammenlign/", {"a": 1, "b": 3})
    rows = [(r.tag, r.left, r.right) for r in response.context["rows"]]
    assert rows == [
        ("equal", "Linje 1", "Linje 1"),
        ("replace", "Linje 2", "Linje 2 rettet"),
        ("equal", "Linje 3", "Linje 3"),
        ("insert", "", "Linje 4"),
    ]


def test_staff_compare_only_locked_versions(org, client_for):
    meeting = helpers.locked_minutes(helpers.meeting(org, days=-1), org.chair)
    response = client_for(org.employee).get(f"/moeder/{meeting.pk}/referat/sammenlign/")
    assert [v.status for v in response.context["versions"]] == ["locked"]
