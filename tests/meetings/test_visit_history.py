"""Emails that lead somewhere.

A cancelled or moved visit stays in the member's history and its page answers them; the
booking-confirmed email links to the meeting page and carries the updated event
(METHOD:REQUEST, STATUS:CONFIRMED, a higher SEQUENCE); `make run PORT=…` makes the links
point at that port.
"""

from __future__ import annotations

import re
import subprocess

from django.core import mail

from meetings.models import Meeting
from tests.conftest import ROOT
from tests.meetings import helpers


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_cancelled_visit_stays_in_the_members_history_and_its_page_answers(
    org, client_for, django_capture_on_commit_callbacks
):
    booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    client = client_for(org.member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/moeder/bookinger/{booking.pk}/aflys/", {"reason": "Byrådsmøde flyttet"})
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="my-ended-booking"' in html and "Byrådsmøde flyttet" in html
    # The cancellation email the member got leads to that page.
    cancellation = next(m for m in mail.outbox if m.to == [org.member.email])
    links = [_path(url) for url in _links(cancellation.body)]
    assert meeting.get_absolute_url() in links
    # The visit is still listed among the member's meetings.
    mine = client.get("/moeder/").content.decode()
    assert meeting.get_absolute_url() in mine


def test_a_moved_visit_shows_it_was_moved_and_links_to_the_new_time(org, client_for):
    booking = helpers.booking(org)
    later = helpers.slot(org, days=15)
    client = client_for(org.member)
    client.post(f"/moeder/bookinger/{booking.pk}/flyt/", {"slot": later.pk, "reason": "Kan ikke den dag"})
    old = Meeting.objects.get(visit_slot=booking.slot)
    new = Meeting.objects.get(visit_slot=later)
    response = client.get(old.get_absolute_url())
    assert response.status_code == 200
    assert new.get_absolute_url() in response.content.decode()


def test_a_stranger_still_cannot_see_the_visit(org, client_for):
    booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    assert client_for(org.other_member).get(meeting.get_absolute_url()).status_code == 404


def test_the_confirmation_links_to_the_meeting_and_carries_the_confirmed_event(
    org, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = helpers.booking(org)
    meeting = Meeting.objects.get(visit_slot=booking.slot)
    booked_sequence = meeting.sequence
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org.leader).post(f"/moeder/bookinger/{booking.pk}/bekraeft/")
    to_member = [m for m in mail.outbox if m.to == [org.member.email]]
    assert len(to_member) == 1, [m.subject for m in to_member]  # one email: the confirmation with the event
    confirmation = to_member[0]
    meeting_links = [url for url in _links(confirmation.body) if _path(url) == meeting.get_absolute_url()]
    assert meeting_links, confirmation.body
    assert client_for(org.member).get(_path(meeting_links[0])).status_code == 200
    calendars = [content for content, mimetype in confirmation.alternatives if mimetype.startswith("text/calendar")]
    assert len(calendars) == 1
    ics = calendars[0].replace("\r\n ", "")
    assert "METHOD:REQUEST" in ics and "STATUS:CONFIRMED" in ics
    sequence = int(re.search(r"SEQUENCE:(\d+)", ics).group(1))
    assert sequence > booked_sequence
    assert f"UID:{meeting.uid}@samspil" in ics
    # The leader (organiser) gets the same update through the calendar invitations.
    assert any(m.to == [org.leader.email] and "STATUS:CONFIRMED" in str(m.alternatives) for m in mail.outbox)


def test_make_run_points_the_links_at_the_port_it_serves_on():
    def dry_run(*args: str, env: dict | None = None) -> str:
        import os

        environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
        environment.update(env or {})
        return subprocess.run(
            ["make", "-n", "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
        ).stdout

    commands = dry_run("PORT=8300")
    assert "SITE_URL=http://127.0.0.1:8300" in commands and "runserver 127.0.0.1:8300" in commands
    assert "8000" not in commands
    # A SITE_URL that is set wins (a proxy in front of make run).
    assert "SITE_URL=https://samspil.example" in dry_run(env={"SITE_URL": "https://samspil.example"})
