"""Emails are templates: <name>_subject.txt, <name>.txt and (optionally) <name>.html. They are
built here and sent only by the one outbox (outbox/services.py; tests/core/test_one_outbox.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def build_templated_mail(
    template: str, *, to: str | list[str], context: dict, language: str | None = None
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, "municipality": settings.MUNICIPALITY_NAME, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to] if isinstance(to, str) else list(to))
    if html:
        message.attach_alternative(html, "text/html")
    return message
