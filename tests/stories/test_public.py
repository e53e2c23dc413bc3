"""The public page, a public story with Open Graph tags, and the Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.stories.helpers import make_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")


def test_the_public_page_lists_public_stories_only_without_login(org, client_for):
    make_story(org.workplace, org.employee, visibility="public", title="Til alle")
    make_story(org.workplace, org.employee, title="Kun internt")
    make_story(org.workplace, org.employee, visibility="public", status="unpublished", title="Taget ned")
    html = client_for(None).get(reverse("stories:public")).content.decode()
    assert "Til alle" in html
    assert "Kun internt" not in html and "Taget ned" not in html


def test_the_public_page_has_an_empty_state(db, client_for):
    response = client_for(None).get(reverse("stories:public"))
    assert "Der er ingen offentlige historier endnu." in response.content.decode()


def test_a_public_story_has_open_graph_tags_for_sharing(org, client_for):
    story = make_story(
        org.workplace, org.employee, visibility="public", title="Koret vandt", summary="DM i korsang", picture=True
    )
    response = client_for(None).get(story.get_public_url())
    parser = MetaTags()
    parser.feed(response.content.decode())
    meta = parser.meta
    assert meta["og:title"] == "Koret vandt"
    assert meta["og:description"] == "DM i korsang"
    assert meta["og:type"] == "article"
    assert meta["og:url"] == f"http://testserver{story.get_public_url()}"
    picture = story.pictures.get()
    assert meta["og:image"] == f"http://testserver{reverse('stories:picture', args=[picture.pk])}"
    assert meta["og:image:alt"] == picture.alt_text
    # The picture itself answers without login, so sharing works.
    assert client_for(None).get(meta["og:image"]).status_code == 200


def test_an_internal_story_is_not_on_the_public_side(org, client_for):
    story = make_story(org.workplace, org.employee)
    assert client_for(None).get(story.get_public_url()).status_code == 404


def test_the_atom_feed_lists_public_stories_newest_first(org, client_for):
    older = make_story(org.workplace, org.employee, visibility="public", title="Ældre")
    newer = make_story(org.workplace, org.employee, visibility="public", title="Nyere & bedre")
    make_story(org.workplace, org.employee, title="Intern")
    response = client_for(None).get(reverse("stories:atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Nyere & bedre", "Ældre"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{newer.get_public_url()}"
    assert entries[1].findtext(f"{ATOM}author/{ATOM}name") == org.workplace.name
    assert older.pk != newer.pk
