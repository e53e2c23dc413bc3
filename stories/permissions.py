"""Who may read, write and publish stories.

- Published stories: everyone signed in (internal) and, when public, anyone (through the
  public views, which ask `is_public` themselves).
- Unpublished stories (awaiting the leader, sent back, unpublished, archived): the author,
  the workplace's leaders and administrators (who act as communications administrators).
- The author edits while the story waits or was sent back; leaders and administrators
  edit, publish, send back, unpublish and archive.
- Challenges (kind "challenge") follow the same rules while they wait; once sent to the
  committee they are read only by the committee (members and chairs of a committee
  responsible for the workplace), the centre (its head), the workplace's staff and the
  leadership — never by anyone else, never anonymously. The committee's members and
  the workplace's leaders answer them.
"""

from __future__ import annotations

import rules

from organisation.permissions import (
    heads_centre_of_workplace,
    is_leadership,
    leads_workplace,
    of,
    sits_on_committee_of_workplace,
    works_at_workplace,
)
from organisation.roles import roles_of
from samspil.access import get_object_for_user

from .workflows import STORY, is_editor


@rules.predicate
def is_published(user, story) -> bool:
    return story is not None and story.is_published


@rules.predicate
def is_author(user, story) -> bool:
    return story is not None and story.author_id is not None and story.author_id == user.pk


@rules.predicate
def is_challenge(user, story) -> bool:
    return story is not None and story.is_challenge


def _workplace(story):
    return story.workplace


# The committee, the centre and the workplace: the only readers of a sent challenge.
concerns_challenge = is_leadership | of(
    sits_on_committee_of_workplace | heads_centre_of_workplace | works_at_workplace, _workplace, "concerns_challenge"
)
answers_challenge = of(sits_on_committee_of_workplace | leads_workplace, _workplace, "answers_challenge")


@rules.predicate
def works_somewhere(user) -> bool:
    return bool(roles_of(user).staff_workplace_ids) or roles_of(user).is_administrator


rules.add_perm(
    "stories.view_story",
    rules.is_authenticated & ((is_published & (~is_challenge | concerns_challenge)) | is_author | is_editor),
)
# Writing is the table's "edit" (editors) and "revise" (the author while it waits).
rules.add_perm("stories.change_story", STORY.predicate("edit") | STORY.predicate("revise"))
rules.add_perm("stories.publish_story", is_editor)
rules.add_perm("stories.add_story", rules.is_authenticated & works_somewhere)
rules.add_perm("stories.thank_story", rules.is_authenticated & is_published & ~is_challenge)
rules.add_perm("stories.reply_challenge", rules.is_authenticated & is_published & is_challenge & answers_challenge)


def get_story_for_user(user, pk: int, *, write: bool = False, perm: str = "stories.change_story"):
    from .models import Story

    return get_object_for_user(
        user,
        Story.objects.select_related("workplace", "workplace__kind", "workplace__centre", "author"),
        view_perm="stories.view_story",
        change_perm=perm,
        write=write,
        pk=pk,
    )


def workplaces_to_write_for(user):
    """The workplaces a person may submit stories for."""
    from organisation.models import Workplace

    roles = roles_of(user)
    if roles.is_administrator:
        return Workplace.objects.filter(is_active=True)
    return Workplace.objects.filter(pk__in=roles.staff_workplace_ids, is_active=True)


def may_publish_directly(user, workplace) -> bool:
    roles = roles_of(user)
    return roles.is_administrator or (workplace is not None and workplace.pk in roles.led_workplace_ids)
