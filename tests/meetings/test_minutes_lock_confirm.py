"""Issue 16.2: locking minutes goes through a confirmation page that says what happens and
names the participants; a POST without its box is refused at the box and locks nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Minutes, Participant

from . import helpers

pytestmark = pytest.mark.django_db


def test_locking_the_minutes_needs_the_confirmation_that_names_the_participants(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    for person in (org.member, org.leader):
        Participant.objects.get_or_create(meeting=meeting, person=person)
    services.minutes_save(meeting=meeting, author=org.chair, text="Udkast.", based_on_version=0)
    client = client_for(org.chair)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("meetings:minutes_lock", args=[meeting.pk])
    assert f'href="{url}"' in client.get(meeting.get_absolute_url()).content.decode()

    page = client.get(url).content.decode()
    assert "Lock the minutes?" in page and org.member.full_name in page and org.leader.full_name in page

    response = client.post(url)
    assert response.status_code == 400
    assert 'id="id_confirm-error"' in response.content.decode()
    assert "Tick the box to confirm that the minutes are locked." in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).status != Minutes.Status.LOCKED

    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.LOCKED
