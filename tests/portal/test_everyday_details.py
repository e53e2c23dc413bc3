"""Small breakages people stumbled on (issue 16, point 8), each through HTTP."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
from django.urls import reverse

from tests.agreements.helpers import make_agreement
from tests.stories.helpers import make_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_agreement_pdf_is_saved_under_its_own_name(org, client_for):
    """RFC 6266 filename*, not RFC 2047: browsers saved the old header as download.pdf."""
    agreement = make_agreement(org, "agreed")
    response = client_for(org.leader).get(reverse("agreements:pdf", args=[agreement.pk]))
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert "=?utf-8?" not in header.lower()
    encoded = header.split("filename*=utf-8''", 1)[1] if "filename*=" in header else header.split('filename="')[1][:-1]
    filename = unquote(encoded)
    assert filename == f"udviklingsaftale-{agreement.workplace.slug}-{agreement.template.period_label}.pdf"


def test_the_register_csv_names_each_column_once(org, client_for):
    response = client_for(org.admin).get(reverse("codex:register_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(header) == len(set(header)), header


def test_the_story_form_offers_the_six_pictures_it_promises(org, client_for):
    html = client_for(org.employee).get(reverse("stories:create")).content.decode()
    assert 'name="pictures-MAX_NUM_FORMS" value="6"' in html
    assert 'name="pictures-TOTAL_FORMS" value="6"' in html
    assert "pictures-5-image" in html


def test_editing_a_story_with_two_pictures_offers_four_more(org, client_for):
    story = make_story(org.workplace, org.employee, status="returned", picture=True)
    from stories.models import StoryPicture

    first = story.pictures.get()
    StoryPicture.objects.create(story=story, image=first.image.name, alt_text="To", position=2)
    html = client_for(org.employee).get(reverse("stories:edit", args=[story.pk])).content.decode()
    assert 'name="pictures-TOTAL_FORMS" value="6"' in html
    assert 'name="pictures-INITIAL_FORMS" value="2"' in html


def test_the_atom_feed_carries_the_whole_story(org, client_for):
    make_story(
        org.workplace,
        org.employee,
        visibility="public",
        summary="Kort resumé.",
        body="Første afsnit om **skoven**.\n\nAndet afsnit <script>alert(1)</script>.",
    )
    root = ET.fromstring(client_for(None).get(reverse("stories:atom")).content)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == "Kort resumé."
    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert "<strong>skoven</strong>" in content.text and "Andet afsnit" in content.text
    assert "<script>" not in content.text


def test_the_rotation_page_title_is_plain_text(org, client_for):
    from tests.meetings import helpers as meeting_helpers

    meeting_helpers.meeting(org, days=20)  # "already planned" is listed on the page
    html = client_for(org.chair).get(reverse("coverage:plan", args=[org.committee.slug])).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and org.committee.name in title
    assert html.count('data-planned="egeskovskolen"') == 1


def test_nobody_sees_a_book_button_that_would_answer_403(org, client_for):
    from tests.meetings import helpers as meeting_helpers

    meeting_helpers.slot(org)
    book = '/book/"'
    member_page = client_for(org.member).get(reverse("meetings:visit_times")).content.decode()
    assert book in member_page
    admin_page = client_for(org.admin).get(reverse("meetings:visit_times")).content.decode()
    assert "Egeskovskolen" in admin_page and book not in admin_page
    rotation = client_for(org.admin).get(reverse("coverage:plan", args=[org.committee.slug]))
    assert all(not s.visit_url for s in rotation.context["suggestions"])
