"""Stored XSS: nothing a person writes in a story runs as script, on any page that shows it.

Each payload goes into the title, the summary, the body, the agreement goal, the consent
field and a picture's alt text. Every page that shows story text is fetched and parsed:
no element, attribute or URL that can run script may come from the payload.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements.models import Goal
from outbox.tasks import send_batch
from stories.models import Follow, Story
from stories.rendering import render_story_body
from stories.services import digest_prepare_week, iso_week_label
from tests.agreements.helpers import make_agreement
from tests.stories.helpers import make_story
from tests.xss_payloads import PAYLOADS, assert_no_script_from_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_stories(org):
    stories = []
    agreement = make_agreement(org, goals=0)
    for index, payload in enumerate(PAYLOADS):
        story = make_story(
            org.workplace,
            org.employee,
            visibility="public",
            title=f"T{index} {payload}"[:160],
            summary=f"S{index} {payload}"[:300],
            body=f"Start {index}\n\n{payload}\n\nInline {payload} end",
            goal=Goal.objects.create(agreement=agreement, title=payload[:200], order=index),
            picture=True,
            shows_people=True,
            consent_given_by=payload[:200],
            consent_date=timezone.localdate(),
        )
        story.pictures.update(alt_text=payload[:250])
        stories.append(story)
    return stories


def test_there_are_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_renderer_neutralises_the_payload(payload):
    assert_no_script_from_payload(str(render_story_body(f"text\n\n{payload}\n\n{payload} inline")), payload)


def test_every_page_that_shows_story_text_neutralises_every_payload(org, client_for, hostile_stories):
    member, leader, anonymous = client_for(org.member), client_for(org.leader), client_for(None)
    pages = {
        "feed": member.get(reverse("stories:feed") + "?tab=all"),
        "public list": anonymous.get(reverse("stories:public")),
        "mine": leader.get(reverse("stories:mine")),
    }
    for story in hostile_stories:
        pages[f"detail {story.pk}"] = member.get(story.get_absolute_url())
        pages[f"leader detail {story.pk}"] = leader.get(story.get_absolute_url())
        pages[f"public {story.pk}"] = anonymous.get(story.get_public_url())
        pages[f"edit {story.pk}"] = leader.get(reverse("stories:edit", args=[story.pk]))
        pages[f"thanks {story.pk}"] = member.post(
            reverse("stories:thank", args=[story.pk]), headers={"HX-Request": "true"}
        )
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert_no_script_from_payload(html, name)
    # The payload text is shown, escaped, so people see what was written.
    assert "&lt;script&gt;alert(" in pages["feed"].content.decode()


def test_the_atom_feed_carries_the_payloads_as_text(client_for, hostile_stories):
    response = client_for(None).get(reverse("stories:atom"))
    body = response.content.decode()
    for marker in ("<script", "<svg", "<img", "<iframe", "<style"):
        assert marker not in body.lower()
    root = ET.fromstring(response.content)
    # Atom readers treat <summary type="html"> as HTML: after XML decoding it must still
    # be harmless HTML.
    for summary in root.iter("{http://www.w3.org/2005/Atom}summary"):
        assert summary.get("type") == "html"
        assert_no_script_from_payload(summary.text or "", "atom summary")
    titles = [
        entry.findtext("{http://www.w3.org/2005/Atom}title")
        for entry in root.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert "T0 <script>alert('xss1')</script>" in titles


def test_the_digest_email_escapes_the_payloads(org, hostile_stories):
    Follow.objects.create(person=org.member, workplace=org.workplace)
    week = iso_week_label(timezone.localdate())
    digest_prepare_week(week=week)
    send_batch()
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert_no_script_from_payload(html, "digest html")
    assert Story.objects.count() == len(PAYLOADS)
