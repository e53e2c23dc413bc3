"""The list selector and the object rule agree: a list never shows what the detail refuses."""

from __future__ import annotations

import pytest

from stories.models import Story
from stories.selectors import stories_visible_to
from tests.stories.helpers import make_story

pytestmark = pytest.mark.django_db


def test_stories_visible_to_matches_the_view_rule_for_every_role(org):
    stories = [
        make_story(workplace, author, status=status, visibility=visibility)
        for workplace, author in ((org.workplace, org.employee), (org.other_workplace, org.other_leader))
        for status in Story.Status.values
        for visibility in Story.Visibility.values
    ]
    for role, user in org.roles.items():
        if user is None:
            continue
        listed = set(stories_visible_to(user).values_list("pk", flat=True))
        allowed = {story.pk for story in stories if user.has_perm("stories.view_story", story)}
        assert listed == allowed, role


def test_anonymous_visitors_see_only_public_published_stories(org):
    from django.contrib.auth.models import AnonymousUser

    public = make_story(org.workplace, org.employee, visibility="public")
    make_story(org.workplace, org.employee)
    make_story(org.workplace, org.employee, visibility="public", status="archived")
    assert list(stories_visible_to(AnonymousUser())) == [public]
