"""The meetings tests' own fixture: a page as it renders now beside the same view's context
rendered with the Django templates the page had before it moved to Jinja2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.backends.django import DjangoTemplates
from django.utils import translation

from meetings import views
from meetings.visits import views as visit_views

BEFORE = Path(__file__).parent / "templates_before"


def _before_engine() -> DjangoTemplates:
    """The project's Django engine with the templates as they were found first."""
    config = next(t for t in settings.TEMPLATES if t["BACKEND"].endswith("DjangoTemplates"))
    return DjangoTemplates(
        {
            "NAME": "before",
            "DIRS": [BEFORE, *config["DIRS"]],
            "APP_DIRS": True,
            "OPTIONS": {**config["OPTIONS"]},
        }
    )


def _normal(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)
    return html.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")


@pytest.fixture
def same_as_before(client_for, monkeypatch):
    """Asks a page as `user` and renders the context its view gave with the old templates
    (tests/meetings/templates_before/): the two must be the same markup. The only
    differences allowed: MarkupSafe spells a quote &#39; / &#34; where Django spells
    &#x27; / &quot; (the same characters), and each render masks the CSRF token anew."""
    engine = _before_engine()
    seen = {}
    render = views.render

    def capture(request, template_name, context=None, *args, **kwargs):
        seen.update(request=request, template_name=template_name, context=context)
        return render(request, template_name, context, *args, **kwargs)

    monkeypatch.setattr(views, "render", capture)
    monkeypatch.setattr(visit_views, "render", capture)

    def check(user, url: str, *, language: str = "da", status: int = 200) -> str:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == status
        new = response.content.decode()
        with translation.override(language):
            old = engine.get_template(seen["template_name"]).render(seen["context"], seen["request"])
        # The page around the content (navigation, messages) is the same engine's; compare all.
        assert _normal(new) == _normal(old)
        return new

    return check
