"""``{% jinja "app/_rows.jinja" %}``: a page's heavy part rendered by Jinja2 (samspil/jinja2.py)."""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from markupsafe import Markup

from samspil.jinja2 import translator, urls_for_render

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **extra) -> SafeString:
    """Renders the Jinja2 template with the page's whole context (and ``extra``).

    As Django's Jinja2 backend does, with one difference: ``csrf_token`` and ``csrf_input``
    are the page's own token, masked once per page as ``{% csrf_token %}`` has it, instead
    of a fresh mask each time a template prints one (≈ 35 µs of random numbers each); and
    ``_`` translates each message once per process and language (samspil.jinja2.translator);
    ``url`` and ``row_url`` read the script prefix and URL configuration once per render."""
    data = context.flatten()
    data.update(extra)
    data["_"] = data["gettext"] = translator()
    # The links' prefix and URL configuration read once for the render (a page's own
    # `url` or `row_url` in its context stays its own).
    render_url, render_row_url = urls_for_render()
    data.setdefault("url", render_url)
    data.setdefault("row_url", render_row_url)
    request = context.get("request")
    if request is not None:
        data["request"] = request
        token = data.get("csrf_token")
        if token is not None:
            # {% csrf_token %}'s markup (Markup's % escapes the token).
            data["csrf_input"] = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="%s">') % token
    # The backend's template: Jinja2's own render, the backend's context processors are none.
    jinja_template = engines["jinja2"].get_template(template_name).template
    # Jinja2 escaped what it printed; the result is markup, not text to escape again.
    return mark_safe(jinja_template.render(data))  # noqa: S308  # nosec B308 B703 - Jinja2 autoescaped it
