"""A good story's transition table: the one place its steps are declared.

    submitted ──publish──▶ published ──unpublish──▶ unpublished ──publish──▶ published
    submitted ──send_back──▶ returned ──resubmit (the author's edit)──▶ submitted
    any but archived ──archive──▶ archived

The editors are the workplace's leaders and administrators; the author revises while the
story waits or was sent back. A challenge (Story.kind) walks the same table: an employee
drafts it, the leader "publishes" it, which for a challenge means sending it to the
committee — internal always, so "change_visibility" is not a step a challenge has.
"""

from __future__ import annotations

from organisation.permissions import is_administrator, leads_workplace, of
from samspil.workflow import Transition, Workflow

from .models import Story

S = Story.Status

leads_story_workplace = of(leads_workplace, lambda story: story.workplace, "leads_story_workplace")
is_editor = is_administrator | leads_story_workplace


def _is_author(user, story) -> bool:
    return user is not None and story.author_id is not None and story.author_id == user.pk


NOT_ARCHIVED = (S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.UNPUBLISHED)

STORY = Workflow(
    name="story",
    transitions=[
        Transition("edit", NOT_ARCHIVED, None, allowed=is_editor),
        Transition("revise", (S.SUBMITTED, S.RETURNED), None, allowed=_is_author),
        Transition("resubmit", (S.RETURNED,), S.SUBMITTED, allowed=_is_author),
        Transition("publish", (S.SUBMITTED, S.RETURNED, S.UNPUBLISHED), S.PUBLISHED, allowed=is_editor),
        # Published again with another audience (internal ↔ public).
        Transition(
            "change_visibility",
            (S.PUBLISHED,),
            S.PUBLISHED,
            allowed=is_editor,
            when=lambda story: not story.is_challenge,
        ),
        Transition("send_back", (S.SUBMITTED,), S.RETURNED, allowed=is_editor),
        Transition("unpublish", (S.PUBLISHED,), S.UNPUBLISHED, allowed=is_editor),
        Transition("archive", NOT_ARCHIVED, S.ARCHIVED, allowed=is_editor),
    ],
)
