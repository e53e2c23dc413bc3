"""Challenges beside good stories (issue 18.2): told by the workplace, reviewed by its
leader like a story, read only by the committee, the centre and the workplace — never
public, never in the Atom feed, never anonymously — answered by the committee, with a
straight way to a visit, and carried by the weekly digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from samspil.errors import ServiceError
from stories import services
from stories.models import ChallengeReply, Follow, Story, iso_week_label
from stories.selectors import challenges_page, challenges_visible_to, feed_page, stories_visible_to
from stories.tasks import send_weekly_digests
from tests.access import ROLES
from tests.stories.helpers import challenge_form_data, make_challenge, make_story

pytestmark = pytest.mark.django_db

READERS = {"admin", "director", "chair", "member", "leader", "employee", "union_rep", "med_contact", "centre_head"}


# --- Never public ------------------------------------------------------------------------


def test_the_database_refuses_a_public_challenge(org):
    challenge = make_challenge(org.workplace, org.employee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.filter(pk=challenge.pk).update(visibility="public")


def test_the_services_refuse_a_public_challenge(org):
    with pytest.raises(ServiceError) as refused:
        services.story_submit(
            author=org.leader,
            workplace=org.workplace,
            kind=Story.Kind.CHALLENGE,
            title="Morgenerne",
            summary="For få voksne.",
            body="To voksne til 40 børn.",
            would_help="En vikarpulje.",
            visibility="public",
        )
    assert refused.value.field == "visibility"
    waiting = make_challenge(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    with pytest.raises(ServiceError):
        services.story_publish(story=waiting, by=org.leader, visibility="public")
    waiting.refresh_from_db()
    assert waiting.status == Story.Status.SUBMITTED and waiting.visibility == "internal"


def test_a_challenge_is_never_on_a_public_page_in_the_feed_or_reachable_anonymously(org, client):
    challenge = make_challenge(org.workplace, org.employee, title="Hemmelig udfordring", picture=True)
    # Even a row forced to "public" behind the constraint's back would not show: the public
    # queryset asks for good stories too.
    public_story = make_story(org.workplace, org.employee, title="Åben historie", visibility="public")
    public_pages = [reverse("stories:public"), reverse("stories:atom")]
    for url in public_pages:
        body = client.get(url).content.decode()
        assert "Åben historie" in body and "Hemmelig udfordring" not in body, url
    assert client.get(reverse("stories:public_detail", args=[challenge.pk])).status_code == 404
    assert client.get(reverse("stories:public_detail", args=[public_story.pk])).status_code == 200
    picture = challenge.pictures.get()
    assert client.get(reverse("stories:picture", args=[picture.pk])).status_code == 404
    for name in ("stories:detail", "stories:edit"):
        response = client.get(reverse(name, args=[challenge.pk]))
        assert response.status_code == 302 and "login" in response["Location"], name
    response = client.get(reverse("stories:challenges"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert list(stories_visible_to(AnonymousUser())) == [public_story]
    assert list(challenges_visible_to(AnonymousUser())) == []
    assert not challenge.is_public


def test_the_stories_feed_and_its_digest_leave_challenges_out(org, client_for):
    make_challenge(org.workplace, org.employee, title="Hemmelig udfordring")
    make_story(org.workplace, org.employee, title="God historie")
    body = client_for(org.member).get(reverse("stories:feed") + "?tab=all").content.decode()
    assert "God historie" in body and "Hemmelig udfordring" not in body


# --- Who reads it --------------------------------------------------------------------------


def test_only_the_committee_the_centre_and_the_workplace_read_a_sent_challenge(org, client_for):
    challenge = make_challenge(org.workplace, org.employee, title="Morgenerne er svære")
    for role in ROLES:
        person = getattr(org, role)
        may = person.has_perm("stories.view_story", challenge)
        listed = challenge.pk in set(challenges_visible_to(person).values_list("pk", flat=True))
        visible = challenge.pk in set(stories_visible_to(person).values_list("pk", flat=True))
        assert may == listed == visible == (role in READERS), role
        page = client_for(person).get(reverse("stories:challenges")).content.decode()
        assert ("Morgenerne er svære" in page) == (role in READERS), role


def test_the_lists_written_sql_reads_what_the_querysets_read_for_every_role_and_filter(org):
    """The feed's and the challenges list's rows are read with SQL written in
    stories/selectors.py: the same stories, in the same order, as the querysets that say who
    reads what (challenges_visible_to, stories_visible_to), with each filter and cursor."""
    for n, workplace in enumerate([org.workplace, org.other_workplace] * 3):
        make_challenge(workplace, org.employee, title=f"Udfordring {n}")
        make_story(workplace, org.employee, title=f"Historie {n}")
    make_challenge(org.workplace, org.employee, title="Venter", status=Story.Status.SUBMITTED)
    Follow.objects.create(person=org.member, workplace=org.other_workplace)
    Follow.objects.create(person=org.leader, committee=org.other_committee)
    newest_first = ("-published_at", "-id")
    filters = [
        {},
        {"committee": org.committee.pk},
        {"committee": org.other_committee.pk},
        {"workplace": org.other_workplace.pk},
        {"followed": ({org.other_committee.pk}, set())},
        {"followed": (set(), {org.other_workplace.pk})},
        {"followed": (set(), set())},
    ]
    workplaces_of = {org.committee.pk: {org.workplace.pk}, org.other_committee.pk: {org.other_workplace.pk}}

    def expected(queryset, committee=None, workplace=None, followed=None):
        rows = list(queryset.order_by(*newest_first).values_list("pk", "workplace_id"))
        if committee:
            rows = [row for row in rows if row[1] in workplaces_of[committee]]
        if workplace:
            rows = [row for row in rows if row[1] == workplace]
        if followed is not None:
            committees, workplaces = followed
            allowed = set(workplaces).union(*(workplaces_of[pk] for pk in committees))
            rows = [row for row in rows if row[1] in allowed]
        return [pk for pk, _workplace in rows]

    for role in ROLES:
        person = getattr(org, role)
        challenges = challenges_visible_to(person)
        stories = stories_visible_to(person).filter(status=Story.Status.PUBLISHED, kind=Story.Kind.STORY)
        for narrowing in filters:
            want = expected(challenges, **narrowing)
            assert [card.pk for card in challenges_page(user=person, **narrowing).stories] == want, (role, narrowing)
            # Two at a time, page after page, by the cursor.
            seen, cursor = [], ""
            while True:
                page = challenges_page(user=person, cursor=cursor, size=2, **narrowing)
                seen += [card.pk for card in page.stories]
                if not page.next_cursor:
                    break
                cursor = page.next_cursor
            assert seen == want, (role, narrowing)
            cards = feed_page(user=person, **narrowing).stories
            assert [card.pk for card in cards] == expected(stories, **narrowing), (role, narrowing)


def test_a_waiting_challenge_is_read_by_the_author_the_leader_and_administrators_only(org):
    challenge = make_challenge(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    readers = {role for role in ROLES if getattr(org, role).has_perm("stories.view_story", challenge)}
    assert readers == {"admin", "leader", "employee"}


# --- The flow --------------------------------------------------------------------------------


def test_an_employee_tells_a_challenge_and_the_leader_sends_it_to_the_committee(org, client_for):
    employee = client_for(org.employee)
    response = employee.post(reverse("stories:challenge_create"), challenge_form_data(publish="1"))
    challenge = Story.objects.get()
    assert response.status_code == 302
    assert challenge.is_challenge and challenge.status == Story.Status.SUBMITTED
    assert (challenge.tried, challenge.would_help) == ("Flyttet mødetider.", "En vikarpulje.")
    assert not org.member.has_perm("stories.view_story", challenge)

    leader = client_for(org.leader)
    page = leader.get(challenge.get_absolute_url()).content.decode()
    assert "Send til udvalget" in page
    leader.post(reverse("stories:publish", args=[challenge.pk]), {"visibility": "internal"})
    challenge.refresh_from_db()
    assert challenge.is_published and challenge.visibility == "internal"
    assert org.member.has_perm("stories.view_story", challenge)
    # Internal always: the story's "change who may read it" is not a step a challenge has.
    assert "change_visibility" not in services.STORY.available_actions(org.leader, challenge)


def test_the_challenge_form_asks_what_would_help(org, client_for):
    response = client_for(org.employee).post(reverse("stories:challenge_create"), challenge_form_data(would_help=""))
    assert response.status_code in (200, 400) and not Story.objects.exists()
    assert "would_help" in response.context["form"].errors


def test_a_member_answers_and_the_author_and_leader_are_told_once(org, client_for, django_capture_on_commit_callbacks):
    challenge = make_challenge(org.workplace, org.employee)
    member = client_for(org.member)
    page = member.get(challenge.get_absolute_url())
    follow_up = page.context["follow_up"]
    assert follow_up.visit_url.startswith(reverse("meetings:visit_times"))
    assert f"workplace={org.workplace.slug}" in follow_up.visit_url
    response = member.post(reverse("stories:reply", args=[challenge.pk]), {"text": "Tak, det vil vi tale om."})
    assert response.status_code == 302 and response["Location"] == challenge.get_absolute_url()
    reply = ChallengeReply.objects.get()
    assert reply.author == org.member and not reply.wants_visit
    rows = Email.objects.filter(family=services.REPLY_FAMILY)
    assert sorted(rows.values_list("recipient__email", flat=True)) == ["employee@test.example", "leader@test.example"]
    # The leader answers back: the member who wrote is told, the leader is not.
    client_for(org.leader).post(reverse("stories:reply", args=[challenge.pk]), {"text": "Kom gerne forbi."})
    latest = ChallengeReply.objects.latest("pk")
    assert sorted(Email.objects.filter(params__reply=latest.pk).values_list("recipient__email", flat=True)) == [
        "employee@test.example",
        "member@test.example",
    ]
    assert "Kom gerne forbi." in member.get(challenge.get_absolute_url()).content.decode()


def test_we_would_like_to_hear_more_at_a_visit_goes_straight_to_the_visit_times(org, client_for):
    challenge = make_challenge(org.workplace, org.employee)
    response = client_for(org.member).post(
        reverse("stories:reply", args=[challenge.pk]), {"text": "Vi vil gerne se det.", "wants_visit": "on"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("meetings:visit_times"))
    assert f"workplace={org.workplace.slug}" in response["Location"]
    assert ChallengeReply.objects.get().wants_visit


def test_the_chair_may_also_plan_a_dialogue_meeting_from_a_challenge(org, client_for):
    challenge = make_challenge(org.workplace, org.employee)
    follow_up = client_for(org.chair).get(challenge.get_absolute_url()).context["follow_up"]
    assert follow_up.meeting_url.startswith(reverse("meetings:meeting_create"))
    assert "kind=dialogue" in follow_up.meeting_url and f"host={org.workplace.slug}" in follow_up.meeting_url
    assert client_for(org.chair).get(follow_up.meeting_url).status_code == 200
    # Nobody outside the committee gets a way to book from it.
    assert client_for(org.centre_head).get(challenge.get_absolute_url()).context["follow_up"].visit_url == ""


def test_a_challenge_waiting_for_the_leader_cannot_be_answered(org):
    challenge = make_challenge(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    with pytest.raises(ServiceError):
        services.challenge_reply(story=challenge, by=org.member, text="Hej")


# --- Services take plain values -----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": " "}, "title"),
        ({"summary": ""}, "summary"),
        ({"body": ""}, "body"),
        ({"would_help": ""}, "would_help"),
        ({"kind": "rumour"}, "kind"),
    ],
)
def test_story_submit_says_no_with_the_field(org, changes, field):
    values = {
        "author": org.employee,
        "workplace": org.workplace,
        "kind": Story.Kind.CHALLENGE,
        "title": "Morgenerne",
        "summary": "For få voksne.",
        "body": "To voksne til 40 børn.",
        "would_help": "En vikarpulje.",
        **changes,
    }
    with pytest.raises(ServiceError) as refused:
        services.story_submit(**values)
    assert refused.value.field == field
    assert not Story.objects.exists()


def test_story_submit_and_update_take_plain_values(org):
    story = services.story_submit(
        author=org.employee, workplace=org.workplace, title="Koret", summary="DM", body="Sang"
    )
    assert story.status == Story.Status.SUBMITTED and story.kind == Story.Kind.STORY
    services.story_update(story=story, editor=org.leader, title="Koret vandt", summary="DM", body="Sang", publish=True)
    story.refresh_from_db()
    assert story.title == "Koret vandt" and story.is_published
    with pytest.raises(ServiceError) as refused:
        services.story_update(
            story=story,
            editor=org.leader,
            title="Koret",
            summary="DM",
            body="Sang",
            visibility="public",
            shows_people=True,
        )
    assert refused.value.field == "consent_given_by"


# --- The digest ---------------------------------------------------------------------------------

LAST_WEEK = iso_week_label(timezone.localdate() - dt.timedelta(days=7))


def test_the_weekly_digest_carries_new_challenges_next_to_the_stories(
    org, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    start, _end = services.week_bounds(LAST_WEEK)
    in_week = start + dt.timedelta(days=1, hours=10)
    # The member follows the committee (reads its challenges); the other committee's
    # member follows the workplace but may not read its challenges; the director follows
    # a workplace with only a challenge.
    Follow.objects.create(person=org.member, committee=org.committee)
    Follow.objects.create(person=org.other_member, workplace=org.workplace)
    Follow.objects.create(person=org.director, workplace=org.workplace)
    make_story(org.workplace, org.employee, title="Ugens historie", published_at=in_week)
    make_challenge(org.workplace, org.employee, title="Ugens udfordring", published_at=in_week)
    make_challenge(org.workplace, org.employee, title="Venter stadig", status=Story.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests.delay(LAST_WEEK)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert set(bodies) == {"member@test.example", "other_member@test.example", "director@test.example"}
    assert "Ugens historie" in bodies["member@test.example"] and "Ugens udfordring" in bodies["member@test.example"]
    assert "Ugens historie" in bodies["other_member@test.example"]
    assert "Ugens udfordring" not in bodies["other_member@test.example"]
    assert "Venter stadig" not in "".join(bodies.values())
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "1 udfordring" in subjects["member@test.example"]


# --- Query budget -----------------------------------------------------------------------------


def bulk_challenges(org, count: int) -> None:
    now = timezone.now()
    challenges = Story.objects.bulk_create(
        Story(
            kind=Story.Kind.CHALLENGE,
            workplace=[org.workplace, org.other_workplace][n % 2],
            author=org.employee,
            title=f"Udfordring {n}",
            summary="Kort",
            body="Svært",
            would_help="Hjælp",
            status="published",
            published_at=now - dt.timedelta(minutes=n),
        )
        for n in range(count)
    )
    ChallengeReply.objects.bulk_create(
        ChallengeReply(story=challenge, author=org.member, text="Tak", wants_visit=n % 3 == 0)
        for n, challenge in enumerate(challenges)
    )


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["member", "director", "employee"])
def test_the_challenges_list_runs_the_same_queries_with_10_and_with_500_challenges(org, client_for, role):
    client = client_for(getattr(org, role))
    url = reverse("stories:challenges")
    bulk_challenges(org, 10)
    page_queries(client, url)  # warm caches
    small = page_queries(client, url)
    bulk_challenges(org, 490)
    # 1 user with their roles, 2 the follows with the filters' committees and workplaces
    # (one UNION ALL), 3 the challenges with their answer and visit counts.
    assert page_queries(client, url) == small == 3


def test_a_challenge_page_runs_the_same_queries_with_1_and_with_50_answers(org, client_for):
    challenge = make_challenge(org.workplace, org.employee)
    client = client_for(org.member)
    services.challenge_reply(story=challenge, by=org.member, text="Første")
    page_queries(client, challenge.get_absolute_url())
    small = page_queries(client, challenge.get_absolute_url())
    ChallengeReply.objects.bulk_create(
        ChallengeReply(story=challenge, author=org.chair, text="Mere") for _ in range(49)
    )
    assert page_queries(client, challenge.get_absolute_url()) == small
