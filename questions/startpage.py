"""The "Questions" menu item and the start page: questions waiting for the reader's answer."""

from __future__ import annotations

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import navigation, startpage
from portal.startpage import NextStep
from samspil.jinja2 import row_url

navigation.register(
    gettext_lazy("Questions"),
    "questions:list",
    order=45,
    visible=lambda roles: bool(
        roles.committee_ids or roles.staff_workplace_ids or roles.headed_centre_ids or roles.is_leadership
    ),
    icon="chat-left-text",
)


@startpage.register
def question_steps(user, roles) -> list[NextStep]:
    from .models import Question

    # Only leaders and colleagues answer; nobody else pays a query.
    if not roles.staff_workplace_ids:
        return []
    waiting = (
        Question.objects.exclude(status=Question.Status.ANSWERED)
        .filter(Q(workplace_id__in=roles.led_workplace_ids, assignee=None) | Q(assignee=user))
        .select_related("workplace", "asker")
        .order_by("deadline")[:10]
    )
    return [
        NextStep(
            _("Answer %(asker)s's question to %(workplace)s by %(deadline)s.")
            % {
                "asker": question.asker.full_name if question.asker else "–",
                "workplace": question.workplace.name,
                "deadline": date_format(question.deadline, "SHORT_DATE_FORMAT"),
            },
            row_url("questions:detail", question.pk),
            15,
            "chat-left-text",
        )
        for question in waiting
    ]
