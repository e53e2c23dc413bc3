"""The journey in Chromium: an employee tells a story with a picture, the leader
publishes it as public, and it shows in the feed, on the public page and in the feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from stories.models import Story
from tests.conftest import axe_violations, login
from tests.factories import PASSWORD
from tests.stories.helpers import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ATOM = "{http://www.w3.org/2005/Atom}"


def logout(page):
    page.context.clear_cookies()


def test_an_employee_submits_a_story_and_the_leader_publishes_it_publicly(page, org, tmp_path):
    picture = tmp_path / "bakker.png"
    picture.write_bytes(png_bytes((320, 200), (40, 140, 90)))

    login(page, org.employee.email, PASSWORD)
    page.goto(page.base_url + "/gode-historier/ny/")
    assert not axe_violations(page)
    page.fill("#id_title", "Koret vandt DM")
    page.fill("#id_summary", "Skolekoret vandt danmarksmesterskabet.")
    page.fill("#id_body", "Koret har **øvet** hver onsdag i et år.")
    page.set_input_files("#id_pictures-0-image", str(picture))
    page.fill("#id_pictures-0-alt_text", "Grønne bakker under en gul sol")
    page.check("input[name=visibility][value=public]")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    story = Story.objects.get()
    assert story.status == Story.Status.SUBMITTED
    assert page.locator("h1").inner_text() == "Koret vandt DM"
    logout(page)

    login(page, org.leader.email, PASSWORD)
    page.goto(page.base_url + story.get_absolute_url())
    assert not axe_violations(page)
    page.check("input[name=visibility][value=public]")
    page.click("form[action$='/udgiv/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    story.refresh_from_db()
    assert story.is_public

    # The internal feed, with the picture loaded through the checking view.
    page.goto(page.base_url + "/gode-historier/?tab=all")
    card = page.locator("article", has_text="Koret vandt DM")
    assert card.count() == 1
    image = card.locator("img")
    assert image.get_attribute("alt") == "Grønne bakker under en gul sol"
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    # Thanks with htmx, without a page load.
    card.locator("button", has_text="").first.click()
    page.wait_for_selector("article button[aria-pressed=true]")
    assert not axe_violations(page)
    logout(page)

    # Without login: the public page, the story with its picture, and the Atom feed.
    page.goto(page.base_url + "/gode-historier/offentlige/")
    assert page.locator("article", has_text="Koret vandt DM").count() == 1
    assert not axe_violations(page)
    page.click("text=Koret vandt DM")
    page.wait_for_load_state("networkidle")
    assert page.locator("meta[property='og:title']").get_attribute("content") == "Koret vandt DM"
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert not axe_violations(page)
    feed = page.request.get(page.base_url + "/gode-historier/offentlige/feed.atom")
    root = ET.fromstring(feed.body())
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["Koret vandt DM"]


def test_a_refused_picture_keeps_the_typed_text_in_the_browser(page, org, tmp_path):
    fake = tmp_path / "billede.png"
    fake.write_text("<html><script>alert(1)</script></html>")
    login(page, org.employee.email, PASSWORD)
    page.goto(page.base_url + "/gode-historier/ny/")
    page.fill("#id_title", "Min titel")
    page.fill("#id_summary", "Mit resumé")
    page.fill("#id_body", "Min historie")
    page.set_input_files("#id_pictures-0-image", str(fake))
    page.fill("#id_pictures-0-alt_text", "Noget")
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_title") == "Min titel"
    assert page.input_value("#id_body") == "Min historie"
    assert "Filen er ikke et billede, vi kan bruge." in page.locator(".picture-form").first.inner_text()
    assert not axe_violations(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_story_pages_have_no_serious_accessibility_findings(page, org, width):
    from stories.models import Follow
    from tests.stories.helpers import make_story

    make_story(org.workplace, org.employee, title="Med billede", picture=True, visibility="public")
    make_story(org.workplace, org.employee, title="Venter", status="submitted")
    Follow.objects.create(person=org.leader, committee=org.committee)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, org.leader.email, PASSWORD)
    for path in ("/gode-historier/", "/gode-historier/?tab=all", "/gode-historier/mine/", "/gode-historier/foelg/"):
        page.goto(page.base_url + path)
        assert not axe_violations(page), path
        # Nothing wider than the screen on a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
