"""Notifications: who is told of each step, once, as they chose (issue 16, point 1)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import Agreement
from notifications import kinds
from notifications.models import Notification, Preference
from notifications.services import DIGEST_FAMILY, digest_prepare_day, family_of, notify
from outbox.models import Email
from stories.models import Follow, Story
from tests.agreements.helpers import make_agreement, own_goal
from tests.stories.helpers import make_story, story_form_data


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def emailed(kind: str) -> list[str]:
    return sorted(Email.objects.filter(family=family_of(kind)).values_list("recipient__email", flat=True))


def test_sending_an_agreement_to_dialogue_tells_the_politicians_and_the_head_of_area(org):
    agreement = make_agreement(org, Agreement.Status.DRAFT)
    agreement_services.agreement_send_to_dialogue(agreement=agreement, by=org.leader)
    expected = {org.chair.email, org.member.email, org.centre_head.email}
    assert told(kinds.AGREEMENT_DIALOGUE) == expected  # not the leader who sent it, not other committees
    assert emailed(kinds.AGREEMENT_DIALOGUE) == sorted(expected)  # at once, by default
    notification = Notification.objects.get(recipient=org.member)
    assert notification.link == reverse("agreements:detail", args=[agreement.pk])
    assert org.workplace.name in notification.text


def test_each_person_is_told_once_per_event(org):
    for _ in range(2):
        notify([org.member, org.member], kinds.MINUTES_LOCKED, event="minutes:1", link="/", params={"meeting": "M"})
    assert Notification.objects.filter(recipient=org.member).count() == 1
    assert Email.objects.filter(recipient=org.member).count() == 1


def test_the_choice_is_honoured_at_once_daily_or_start_page_only(org, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Preference.objects.create(person=org.member, kind=kinds.AGREEMENT_DIALOGUE, delivery="daily")
    Preference.objects.create(person=org.chair, kind=kinds.AGREEMENT_DIALOGUE, delivery="start_page")
    agreement = make_agreement(org, Agreement.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        agreement_services.agreement_send_to_dialogue(agreement=agreement, by=org.leader)
    # At once: the head of area (the default); the others only on their start page for now.
    assert [m.to for m in mail.outbox] == [[org.centre_head.email]]
    assert "udviklingsaftale" in mail.outbox[0].body.lower() or org.workplace.name in mail.outbox[0].body
    assert told(kinds.AGREEMENT_DIALOGUE) == {org.chair.email, org.member.email, org.centre_head.email}

    # The summary goes the next morning, once, to the one who chose it, even if the task runs twice.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with time_machine.travel(tomorrow):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                digest_prepare_day()
    digests = [m for m in mail.outbox if m.to == [org.member.email]]
    assert len(digests) == 1
    assert org.workplace.name in digests[0].body
    assert Email.objects.filter(family=DIGEST_FAMILY).count() == 1
    assert not any(m.to == [org.chair.email] for m in mail.outbox)  # start page only: no email at all


def test_a_notification_made_today_waits_for_tomorrows_summary(org):
    Preference.objects.create(person=org.leader, kind=kinds.AGREEMENT_COMMENT, delivery="daily")
    notify([org.leader], kinds.AGREEMENT_COMMENT, event="c:1", link="/", actor=org.member)
    assert digest_prepare_day() == 0
    assert digest_prepare_day(today=timezone.localdate() + dt.timedelta(days=1)) == 1
    assert digest_prepare_day(today=timezone.localdate() + dt.timedelta(days=1)) == 0


def test_comments_tell_the_leader_and_a_reply_tells_the_commenter(org):
    agreement = make_agreement(org, Agreement.Status.IN_DIALOGUE)
    goal = own_goal(agreement)
    comment = agreement_services.comment_add(goal=goal, author=org.member, text="Hvordan måler I det?")
    assert told(kinds.AGREEMENT_COMMENT) == {org.leader.email}
    assert emailed(kinds.AGREEMENT_COMMENT) == []  # comments come in the daily summary by default
    agreement_services.comment_add(goal=goal, author=org.leader, text="Med en trivselsmåling.", reply_to=comment)
    assert told(kinds.AGREEMENT_COMMENT) == {org.leader.email, org.member.email}
    assert Notification.objects.get(recipient=org.member, kind=kinds.AGREEMENT_COMMENT).link.endswith(
        f"#goal-{goal.pk}"
    )


def test_approval_tells_the_signers_and_signatures_tell_the_others(org):
    agreement = make_agreement(org, Agreement.Status.IN_DIALOGUE)
    agreement_services.agreement_approve(agreement=agreement, chair=org.chair)
    assert told(kinds.AGREEMENT_APPROVED) == {org.leader.email, org.centre_head.email}
    agreement_services.agreement_sign(agreement=agreement, signer=org.leader, consent=True)
    assert told(kinds.AGREEMENT_SIGNED) == {org.chair.email, org.centre_head.email}
    agreement_services.agreement_sign(agreement=agreement, signer=org.centre_head, consent=True)
    # The last signature: the agreement is agreed, and the committee hears it.
    assert told(kinds.AGREEMENT_AGREED) == {org.chair.email, org.member.email, org.leader.email}
    assert emailed(kinds.AGREEMENT_AGREED) == sorted([org.chair.email, org.member.email, org.leader.email])


def test_a_submitted_story_tells_the_leader_and_a_published_one_its_followers(org, client_for):
    Follow.objects.create(person=org.member, committee=org.committee)
    Follow.objects.create(person=org.other_member, workplace=org.workplace)
    Follow.objects.create(person=org.chair, workplace=org.other_workplace)
    client_for(org.employee).post(reverse("stories:create"), story_form_data())
    story = Story.objects.get()
    assert told(kinds.STORY_SUBMITTED) == {org.leader.email}
    assert emailed(kinds.STORY_SUBMITTED) == [org.leader.email]
    assert not told(kinds.STORY_PUBLISHED)
    client_for(org.leader).post(reverse("stories:publish", args=[story.pk]), {"visibility": "internal"})
    assert told(kinds.STORY_PUBLISHED) == {org.member.email, org.other_member.email}
    # Followers get the weekly digest by email already: the start page by default.
    assert emailed(kinds.STORY_PUBLISHED) == []
    link = Notification.objects.get(recipient=org.other_member, kind=kinds.STORY_PUBLISHED).link
    assert client_for(org.other_member).get(link).status_code == 200


def test_a_rolled_back_step_tells_nobody(org):
    story = make_story(org.workplace, org.employee, status=Story.Status.PUBLISHED)
    Follow.objects.create(person=org.member, workplace=org.workplace)
    from stories.services import StoryConflict, story_publish

    with pytest.raises(StoryConflict):
        story_publish(story=story, by=org.leader, visibility=story.visibility)
    assert not Notification.objects.exists()


def test_the_settings_page_saves_each_choice(org, client_for):
    client = client_for(org.member)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    assert "Only on my start page" in page.content.decode() or "kun på min startside" in page.content.decode().lower()
    choices = {key: kind.default for key, kind in kinds.KINDS.items()}
    choices[kinds.AGREEMENT_DIALOGUE] = "daily"
    response = client.post(reverse("notifications:settings"), choices)
    assert response.status_code == 302
    # Only what differs from the default is kept.
    assert list(Preference.objects.values_list("person", "kind", "delivery")) == [
        (org.member.pk, kinds.AGREEMENT_DIALOGUE, "daily")
    ]
    assert client.post(reverse("notifications:settings"), {**choices, "minutes_locked": "fax"}).status_code == 400
    assert Preference.objects.count() == 1


def test_the_start_page_shows_unread_notifications_and_marks_them_read(org, client_for):
    agreement = make_agreement(org, Agreement.Status.DRAFT)
    agreement_services.agreement_send_to_dialogue(agreement=agreement, by=org.leader)
    client = client_for(org.member)
    page = client.get(reverse("portal:home")).content.decode()
    link = reverse("agreements:detail", args=[agreement.pk])
    assert f'href="{link}"' in page
    notification = Notification.objects.get(recipient=org.member)
    # Another person cannot mark it read.
    assert client_for(org.chair).post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client_for(org.chair).post(reverse("notifications:read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=org.chair, read_at=None).exists()
    assert Notification.objects.filter(recipient=org.centre_head, read_at=None).exists()


def test_an_agreement_in_dialogue_is_on_the_politicians_start_page(org, client_for):
    agreement = make_agreement(org, Agreement.Status.IN_DIALOGUE)
    Notification.objects.all().delete()  # the step itself, not the notification, says so
    link = reverse("agreements:detail", args=[agreement.pk])
    member_page = client_for(org.member).get(reverse("portal:home")).content.decode()
    assert f'href="{link}"' in member_page
    assert f'href="{link}"' not in client_for(org.other_member).get(reverse("portal:home")).content.decode()


def test_locking_minutes_tells_the_meetings_participants(org):
    from meetings import services as meeting_services
    from tests.meetings import helpers

    meeting = helpers.meeting(org, days=-1)
    meeting_services.minutes_save(meeting=meeting, author=org.chair, text="Referat.", based_on_version=0)
    meeting_services.minutes_lock(meeting=meeting, actor=org.chair)
    participants = set(meeting.participants.values_list("person__email", flat=True)) - {org.chair.email}
    assert participants and told(kinds.MINUTES_LOCKED) == participants
    assert emailed(kinds.MINUTES_LOCKED) == sorted(participants)
    notification = Notification.objects.filter(kind=kinds.MINUTES_LOCKED).first()
    assert notification.link == meeting.get_absolute_url() and meeting.title in notification.text
