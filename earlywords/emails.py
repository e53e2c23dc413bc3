"""The early word's emails, through the one outbox. They carry no content of the word —
only that there is one and where to read it — so nothing confidential sits in mailboxes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from outbox import families


def _build(email, template: str):
    from .models import EarlyWord

    early_word = EarlyWord.objects.select_related("workplace", "sender").filter(pk=email.params["early_word"]).first()
    if early_word is None:
        return "the early word was deleted"
    by = None
    if email.params.get("by"):
        by = get_user_model().objects.filter(pk=email.params["by"]).first()
    context = {
        "early_word": early_word,
        "by": by,
        "url": f"{settings.SITE_URL}{early_word.get_absolute_url()}",
        "municipality": settings.MUNICIPALITY_NAME,
        "person": email.recipient,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"earlywords/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"earlywords/email/{template}.txt", context)
    return EmailMultiAlternatives(subject=" ".join(subject.split()), body=body)


families.register("earlywords.told", lambda email: _build(email, "told"))
families.register("earlywords.acknowledged", lambda email: _build(email, "acknowledged"))
