"""Every (state, action, role) of the story's transition table through the service and
HTTP, against expectations written out here (the employee is the author)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from samspil.errors import ServiceError
from stories import services
from stories.models import Story
from stories.workflows import STORY

from .helpers import make_story

pytestmark = pytest.mark.django_db

ROLES = ("admin", "director", "chair", "member", "leader", "employee", "centre_head", "other_leader", "nobody")
EDITORS = {"admin", "leader"}
AUTHOR = {"employee"}

EXPECTED = {
    "submitted": {"edit": EDITORS, "revise": AUTHOR, "publish": EDITORS, "send_back": EDITORS, "archive": EDITORS},
    "returned": {"edit": EDITORS, "revise": AUTHOR, "resubmit": AUTHOR, "publish": EDITORS, "archive": EDITORS},
    "published": {"edit": EDITORS, "change_visibility": EDITORS, "unpublish": EDITORS, "archive": EDITORS},
    "unpublished": {"edit": EDITORS, "publish": EDITORS, "archive": EDITORS},
    "archived": {},
}
# A challenge walks the same table; only "change who may read it" is not a step it has
# (always internal: the committee, the centre, the workplace).
EXPECTED_CHALLENGE = {
    state: {action: roles for action, roles in actions.items() if action != "change_visibility"}
    for state, actions in EXPECTED.items()
}
SERVICES = {
    "publish": lambda story, user: services.story_publish(story=story, by=user),
    "change_visibility": lambda story, user: services.story_publish(
        story=story, by=user, visibility="public" if story.visibility == "internal" else "internal"
    ),
    "send_back": lambda story, user: services.story_send_back(story=story, by=user, comment="Mere om eleverne"),
    "unpublish": lambda story, user: services.story_unpublish(story=story, by=user),
    "archive": lambda story, user: services.story_archive(story=story, by=user),
}
URLS = {
    "publish": ("stories:publish", {"visibility": "internal"}),
    "change_visibility": ("stories:publish", {"visibility": "public"}),
    "send_back": ("stories:send_back", {"comment": "Mere om eleverne"}),
    "unpublish": ("stories:unpublish", {}),
    "archive": ("stories:archive", {}),
}


class _Rollback(Exception):
    pass


def _attempt(fn):
    box = {}
    try:
        with transaction.atomic():
            box["value"] = fn()
            raise _Rollback
    except _Rollback:
        pass
    return box.get("value")


def _fingerprint(pk: int) -> tuple:
    story = Story.objects.get(pk=pk)
    return story.status, story.visibility


def test_the_table_declares_every_state():
    assert set(STORY.states) == set(Story.Status.values)


@pytest.mark.parametrize("kind", ["story", "challenge"])
@pytest.mark.parametrize("state", list(EXPECTED))
def test_every_story_action_and_role(org, state, kind):
    story = make_story(org.workplace, org.employee, status=state, kind=kind)
    expected = EXPECTED if kind == "story" else EXPECTED_CHALLENGE
    before = _fingerprint(story.pk)
    mismatches = []
    for action in STORY.actions:
        for role in ROLES:
            user = getattr(org, role)
            allowed = role in expected[state].get(action, set())
            fresh = Story.objects.select_related("workplace").get(pk=story.pk)
            if STORY.is_available(user, fresh, action) != allowed:
                mismatches.append((state, action, role, "table"))
            # story_publish is both steps: outside "published" it publishes (the row above).
            if action in SERVICES and not (action == "change_visibility" and state != "published"):

                def via_service(action=action, user=user):
                    try:
                        SERVICES[action](Story.objects.get(pk=story.pk), user)
                    except (PermissionDenied, ServiceError, ValidationError, services.StoryConflict):
                        return "refused", _fingerprint(story.pk)
                    return "done", _fingerprint(story.pk)

                result, after = _attempt(via_service)
                if (result == "done") != allowed or (after != before) != allowed:
                    mismatches.append((state, action, role, "service", result))
                client = Client()
                client.force_login(user)
                url, data = URLS[action]

                def via_http(client=client, url=url, data=data):
                    status = client.post(reverse(url, args=[story.pk]), data).status_code
                    return status, _fingerprint(story.pk)

                status, after = _attempt(via_http)
                # A refused form answers 400 (a challenge asked to become public).
                if (after != before) != allowed or status not in ((302,) if allowed else (302, 400, 403, 404)):
                    mismatches.append((state, action, role, "http", status))
    assert mismatches == []
