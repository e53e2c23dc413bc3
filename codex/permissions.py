"""Who may read and change the code register.

Published versions are read by every signed-in person (and the current one by anyone on
the public page); drafts and the administration by administrators only. A committee's or
a workplace's self-evaluation is written by its own people and read by them and by the
leadership above them.
"""

from __future__ import annotations

import rules

from organisation.permissions import (
    heads_centre_of_workplace,
    is_administrator,
    is_leadership,
    sits_on_committee,
    works_at_workplace,
)
from samspil.access import get_object_for_user


@rules.predicate
def is_published(user, version) -> bool:
    return version is not None and version.published_at is not None


rules.add_perm("codex.manage_code", is_administrator)
rules.add_perm("codex.view_codeversion", (rules.is_authenticated & is_published) | is_administrator)
rules.add_perm("codex.change_codeversion", is_administrator)
rules.add_perm("codex.view_committee_evaluation", sits_on_committee | is_leadership)
rules.add_perm("codex.add_committee_evaluation", sits_on_committee | is_administrator)
rules.add_perm("codex.view_workplace_evaluation", works_at_workplace | heads_centre_of_workplace | is_leadership)
rules.add_perm("codex.add_workplace_evaluation", works_at_workplace | is_administrator)


def get_version_for_user(user, pk: int, *, write: bool = False):
    from .models import CodeVersion

    return get_object_for_user(
        user,
        CodeVersion.objects.select_related("created_by", "published_by"),
        view_perm="codex.view_codeversion",
        change_perm="codex.change_codeversion",
        write=write,
        pk=pk,
    )


def get_committee_evaluations_for_user(user, slug: str, *, write: bool = False):
    from organisation.models import Committee

    return get_object_for_user(
        user,
        Committee.objects.all(),
        view_perm="codex.view_committee_evaluation",
        change_perm="codex.add_committee_evaluation",
        write=write,
        slug=slug,
    )


def get_workplace_evaluations_for_user(user, slug: str, *, write: bool = False):
    from organisation.models import Workplace

    return get_object_for_user(
        user,
        Workplace.objects.select_related("centre"),
        view_perm="codex.view_workplace_evaluation",
        change_perm="codex.add_workplace_evaluation",
        write=write,
        slug=slug,
    )


def versions_visible_to(user):
    from .models import CodeVersion

    if user.has_perm("codex.manage_code"):
        return CodeVersion.objects.all()
    return CodeVersion.objects.published()
