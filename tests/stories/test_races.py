"""Races the database settles (PostgreSQL): thanks pressed at once, publish against send back."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from stories.models import Story, StoryEvent, Thanks
from stories.services import StoryConflict, story_publish, story_send_back, story_thank
from tests.factories import UserFactory
from tests.stories.helpers import make_story

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(functions) -> list:
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_readers_thanking_at_once_are_all_counted(postgres, org):
    story = make_story(org.workplace, org.employee)
    readers = [UserFactory() for _ in range(20)]
    run_together([lambda r=r: story_thank(story=story, person=r, thank=True) for r in readers])
    story.refresh_from_db()
    assert story.thanks_count == Thanks.objects.filter(story=story).count() == 20


def test_one_reader_pressing_thanks_twice_at_once_is_counted_once(postgres, org):
    story = make_story(org.workplace, org.employee)
    results = run_together([lambda: story_thank(story=story, person=org.member, thank=True) for _ in range(5)])
    story.refresh_from_db()
    assert Thanks.objects.filter(story=story).count() == 1 and story.thanks_count == 1, results


def test_publish_and_send_back_at_once_leave_a_state_that_matches_the_history(postgres, org):
    """Publish first: the send back is refused (the story no longer waits). Send back
    first: the leader's publish still goes through (a returned story may be published).
    Either way, the story's state is the last recorded event, and nothing is lost."""
    for _round in range(5):
        story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED)
        results = run_together(
            [
                lambda s=story: story_publish(story=Story.objects.get(pk=s.pk), by=org.leader, visibility="internal"),
                lambda s=story: story_send_back(story=Story.objects.get(pk=s.pk), by=org.admin, comment="Nej tak"),
            ]
        )
        assert not any(isinstance(r, Exception) and not isinstance(r, StoryConflict) for r in results), results
        story.refresh_from_db()
        events = list(StoryEvent.objects.filter(story=story).order_by("at", "id").values_list("action", flat=True))
        assert events in (["published"], ["returned", "published"]), events
        assert story.status == "published" and story.published_at is not None
