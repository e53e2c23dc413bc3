"""``{% jinja "app/_rows.jinja" %}``: a page's heavy part rendered by Jinja2 (samspil/jinja2.py)."""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **extra) -> SafeString:
    """Renders the Jinja2 template with the page's whole context (and ``extra``)."""
    data = context.flatten()
    data.update(extra)
    # Jinja2 escaped what it printed; the result is markup, not text to escape again.
    return mark_safe(engines["jinja2"].get_template(template_name).render(data, context.get("request")))  # noqa: S308  # nosec B308 B703 - Jinja2 autoescaped it
