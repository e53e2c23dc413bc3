"""The questions' emails, through the one outbox. Built at send time from the current row."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator

from outbox import families

SUMMARY_WORDS = 80  # an email carries the start of a long question; the page has it all


def _build(email, template: str):
    from .models import Question

    question = (
        Question.objects.select_related("asker", "workplace", "committee", "answered_by", "assignee")
        .filter(pk=email.params["question"])
        .first()
    )
    if question is None:
        return "the question was deleted"
    by = get_user_model().objects.filter(pk=email.params["by"]).first() if email.params.get("by") else None
    context = {
        "question": question,
        "excerpt": Truncator(question.text).words(SUMMARY_WORDS),
        "answer_excerpt": Truncator(question.answer).words(SUMMARY_WORDS),
        "by": by,
        "url": f"{settings.SITE_URL}{question.get_absolute_url()}",
        "municipality": settings.MUNICIPALITY_NAME,
        "person": email.recipient,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"questions/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"questions/email/{template}.txt", context)
    return EmailMultiAlternatives(subject=" ".join(subject.split()), body=body)


for _name in ("asked", "copied", "handed_over", "answered", "deadline_moved"):
    families.register(f"questions.{_name}", lambda email, _template=_name: _build(email, _template))
