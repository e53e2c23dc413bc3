"""The stored-XSS payload list and the inspector that checks a page for anything that could run.

Shared by the stories' own XSS tests and the cross-app ones (tests/portal/test_xss_fields.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

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
        own_body = tag == "body" and set(attrs) <= {"hx-headers", "class"}
        # The page's own drawings (the agreement wheel) and disclosures carry a class; no
        # payload does, and their attributes and children still pass the checks below.
        own_svg = tag in {"svg", "details"} and "class" in attrs
        if tag in DANGEROUS_TAGS and not (own_script or own_body or own_svg):
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
