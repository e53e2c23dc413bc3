"""Story text: Markdown with raw HTML switched off, then sanitised by nh3 (ammonia).

Two locks on one door: Markdown never passes HTML through (it is shown as text), and
whatever Markdown produces goes through an allow-list of tags and attributes; links keep
only http, https and mailto and get rel="noopener noreferrer nofollow".

Markdown (with xml.etree, ≈1 MB) is imported when a story body is first rendered: only a
story's page and the feeds show one, so a web worker does not hold it from its start
(issue 19; tests/core/test_memory.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import nh3
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    import markdown

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h2",
    "h3",
    "h4",
    "hr",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _markdown() -> markdown.Markdown:
    import markdown

    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML off: block HTML and inline tags are escaped instead of passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_story_body(text: str) -> SafeString:
    html = _markdown().convert(text or "")
    return mark_safe(sanitise(html))  # noqa: S308 (sanitised by nh3 just above)  # nosec B308 B703
