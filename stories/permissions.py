"""Who may read, write and publish stories.

- Published stories: everyone signed in (internal) and, when public, anyone (through the
  public views, which ask `is_public` themselves).
- Unpublished stories (awaiting the leader, sent back, unpublished, archived): the author,
  the workplace's leaders and administrators (who act as communications administrators).
- The author edits while the story waits or was sent back; leaders and administrators
  edit, publish, send back, unpublish and archive.
"""

from __future__ import annotations

import rules

from organisation.permissions import is_administrator, leads_workplace, of
from organisation.roles import roles_of
from samspil.access import get_object_for_user


@rules.predicate
def is_published(user, story) -> bool:
    return story is not None and story.status == "published"


@rules.predicate
def is_author(user, story) -> bool:
    return story is not None and story.author_id is not None and story.author_id == user.pk


leads_story_workplace = of(leads_workplace, lambda story: story.workplace, "leads_story_workplace")


@rules.predicate
def awaits_changes(user, story) -> bool:
    return story is not None and story.status in ("submitted", "returned")


@rules.predicate
def works_somewhere(user) -> bool:
    return bool(roles_of(user).staff_workplace_ids) or roles_of(user).is_administrator


is_editor = is_administrator | leads_story_workplace

rules.add_perm("stories.view_story", rules.is_authenticated & (is_published | is_author | is_editor))
rules.add_perm("stories.change_story", is_editor | (is_author & awaits_changes))
rules.add_perm("stories.publish_story", is_editor)
rules.add_perm("stories.add_story", rules.is_authenticated & works_somewhere)
rules.add_perm("stories.thank_story", rules.is_authenticated & is_published)


def get_story_for_user(user, pk: int, *, write: bool = False, perm: str = "stories.change_story"):
    from .models import Story

    return get_object_for_user(
        user,
        Story.objects.select_related("workplace", "workplace__kind", "author"),
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
