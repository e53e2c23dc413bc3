"""The menu item and the start page's "what needs me next" for stories."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisation.roles import RoleSet
from portal import navigation, startpage
from samspil.jinja2 import row_url, url

navigation.register(_("Good stories"), "stories:feed", order=50, icon="newspaper")


@startpage.register
def _story_steps(user, roles: RoleSet) -> list[startpage.NextStep]:
    from .models import Story

    steps = []
    if roles.led_workplace_ids or roles.is_administrator:
        # One query: stories waiting for this leader.
        if roles.is_administrator:
            # Every workplace's: from the cache until a story's status changes (portal/figures.py).
            from portal.figures import administrator_counts

            count = administrator_counts(user)["stories_waiting"]
        else:
            count = Story.objects.filter(
                status=Story.Status.SUBMITTED, workplace_id__in=roles.led_workplace_ids
            ).count()
        if count:
            steps.append(
                startpage.NextStep(
                    ngettext(
                        "%(n)s story waits for you to publish it or send it back.",
                        "%(n)s stories wait for you to publish them or send them back.",
                        count,
                    )
                    % {"n": count},
                    url("stories:mine"),
                    25,
                    "newspaper",
                )
            )
    if roles.staff_workplace_ids:
        # One query: the person's own stories that came back with a comment.
        returned = Story.objects.filter(author=user, status=Story.Status.RETURNED).only("pk", "title")[:3]
        for story in returned:
            steps.append(
                startpage.NextStep(
                    _("Your story “%(title)s” was sent back with a comment.") % {"title": story.title},
                    row_url("stories:edit", story.pk),
                    20,
                    "reply",
                )
            )
    return steps
