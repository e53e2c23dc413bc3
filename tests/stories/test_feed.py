"""The feed: newest first, filters, follows, thanks, keyset pagination, fixed query count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from stories.models import Follow, Story, StoryPicture, Thanks, Theme
from stories.selectors import feed_page
from tests.factories import UserFactory, WorkplaceFactory
from tests.stories.helpers import make_story

pytestmark = pytest.mark.django_db


def bulk_stories(org, count: int, *, start=None) -> list[Story]:
    """`count` published stories, each with a picture, a theme and two thanks."""
    start = start or timezone.now()
    theme, _ = Theme.objects.get_or_create(slug="trivsel", defaults={"name": "Trivsel"})
    workplaces = [org.workplace, org.other_workplace]
    stories = Story.objects.bulk_create(
        Story(
            workplace=workplaces[n % 2],
            author=org.employee,
            title=f"Historie {n}",
            summary="Kort",
            body="Lang",
            status="published",
            published_at=start - dt.timedelta(minutes=n),
            thanks_count=2,
        )
        for n in range(count)
    )
    StoryPicture.objects.bulk_create(
        StoryPicture(story=story, image=f"stories/x{story.pk}.jpg", alt_text="Bakker", width=1600, height=900)
        for story in stories
    )
    Story.themes.through.objects.bulk_create(Story.themes.through(story=story, theme=theme) for story in stories)
    Thanks.objects.bulk_create(
        Thanks(story=story, person=person) for story in stories for person in (org.chair, org.member)
    )
    return stories


def feed_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("stories:feed") + "?tab=all")
    assert response.status_code == 200
    return len(queries)


def test_the_feed_runs_the_same_queries_with_10_and_with_1000_stories(org, client_for):
    client = client_for(org.member)
    # A followed workplace, so the workplace filter has something to look up.
    Follow.objects.create(person=org.member, workplace=org.other_workplace)
    bulk_stories(org, 10)
    feed_queries(client)  # warm caches (content types, translations)
    small = feed_queries(client)
    bulk_stories(org, 990, start=timezone.now() - dt.timedelta(days=30))
    assert Story.objects.count() == 1000 and Thanks.objects.count() == 2000
    large = feed_queries(client)
    # 1 user with their roles (the session is in the cache), 2 the follows with the filters'
    # choices (themes, committees, workplaces: own, followed, the chosen committee's) in one
    # UNION ALL, 3 stories (their first picture, theme ids and the reader's thanks are
    # columns).
    assert small == large == 3
    # More workplaces do not add queries either.
    WorkplaceFactory.create_batch(20)
    assert feed_queries(client) == 3


def test_the_workplace_filter_lists_own_followed_and_the_committees_workplaces_not_all(org, client_for):
    client = client_for(org.member)
    far = WorkplaceFactory(name="Fjerntliggende Plejehjem")
    Follow.objects.create(person=org.member, workplace=org.other_workplace)
    feed = reverse("stories:feed") + "?tab=all"

    def workplace_options(query="") -> str:
        body = client.get(feed + query).content.decode()
        start = body.index('id="f-workplace"')
        return body[start : body.index("</select>", start)]

    options = workplace_options()
    assert org.other_workplace.name in options and far.name not in options
    WorkplaceFactory.create_batch(40, name="Endnu en virksomhed")
    assert workplace_options() == options
    # A committee shows its workplaces; a chosen workplace stays in the list.
    assert org.workplace.name in workplace_options(f"&committee={org.committee.pk}")
    assert far.name in workplace_options(f"&workplace={far.pk}")


def test_the_public_page_runs_the_same_queries_with_10_and_with_1000_stories(org, client_for):
    client = client_for(None)
    stories = bulk_stories(org, 10)
    Story.objects.update(visibility="public")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("stories:public")).status_code == 200
        return len(queries)

    count()
    small = count()
    bulk_stories(org, 990, start=stories[-1].published_at - dt.timedelta(days=1))
    Story.objects.update(visibility="public")
    # 1 stories (their first picture and their themes' labels are columns).
    assert small == count() == 1


def test_keyset_pagination_shows_every_story_once_even_with_equal_times(org):
    same_time = timezone.now()
    stories = bulk_stories(org, 25, start=same_time)
    Story.objects.filter(pk__in=[s.pk for s in stories[:12]]).update(published_at=same_time)
    seen, cursor = [], ""
    while True:
        page = feed_page(user=org.member, cursor=cursor, size=7)
        seen += [story.pk for story in page.stories]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    expected = list(Story.objects.order_by("-published_at", "-id").values_list("pk", flat=True))
    assert seen == expected


def test_a_broken_cursor_shows_the_first_page(org, client_for):
    make_story(org.workplace, org.employee, title="Første")
    response = client_for(org.member).get(reverse("stories:feed") + "?tab=all&after=%%%garbage")
    assert "Første" in response.content.decode()


def test_the_feed_filters_by_committee_workplace_and_theme(org, client_for):
    theme = Theme.objects.create(slug="natur", name="Natur")
    school = make_story(org.workplace, org.employee, title="Skolehistorie")
    school.themes.add(theme)
    make_story(org.other_workplace, org.other_leader, title="Parkhistorie")
    client = client_for(org.member)

    def titles(query: str) -> str:
        return client.get(reverse("stories:feed") + "?tab=all&" + query).content.decode()

    assert "Skolehistorie" in titles(f"committee={org.committee.pk}")
    assert "Parkhistorie" not in titles(f"committee={org.committee.pk}")
    assert "Skolehistorie" not in titles(f"workplace={org.other_workplace.pk}")
    assert "Parkhistorie" in titles(f"workplace={org.other_workplace.pk}")
    assert "Parkhistorie" not in titles(f"theme={theme.pk}")


def test_a_politician_sees_what_they_follow_first(org, client_for):
    make_story(org.workplace, org.employee, title="Fra det fulgte udvalg")
    make_story(org.other_workplace, org.other_leader, title="Fra et andet sted")
    client = client_for(org.member)
    client.post(reverse("stories:follow"), {"committee": org.committee.pk})
    assert Follow.objects.filter(person=org.member, committee=org.committee).exists()
    followed = client.get(reverse("stories:feed")).content.decode()  # the default tab
    assert "Fra det fulgte udvalg" in followed and "Fra et andet sted" not in followed
    everything = client.get(reverse("stories:feed") + "?tab=all").content.decode()
    assert "Fra et andet sted" in everything


def test_following_a_workplace_of_another_committee_adds_it(org, client_for):
    make_story(org.other_workplace, org.other_leader, title="Parkhistorie")
    client = client_for(org.member)
    response = client.post(
        reverse("stories:follow"), {"workplace": org.other_workplace.pk}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="true"' in response.content.decode()
    assert "Parkhistorie" in client.get(reverse("stories:feed")).content.decode()
    client.post(reverse("stories:follow"), {"workplace": org.other_workplace.pk})
    assert not Follow.objects.filter(person=org.member).exists()


def test_a_person_with_no_follows_is_told_how_to_follow(org, client_for):
    response = client_for(org.member).get(reverse("stories:feed") + "?tab=followed")
    assert reverse("stories:follows") in response.content.decode()


def test_thanks_toggle_with_htmx_and_with_a_plain_form(org, client_for):
    story = make_story(org.workplace, org.employee)
    url = reverse("stories:thank", args=[story.pk])
    member = client_for(org.member)
    response = member.post(url, {"thank": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and 'aria-pressed="true"' in html
    assert 'name="thank" value="0"' in html  # the next press takes it back
    member.post(url, {"thank": "1"}, headers={"HX-Request": "true"})  # a double click: still one
    # A plain form post (no JavaScript) goes back to where it came from.
    response = client_for(org.chair).post(url, {"thank": "1", "next": reverse("stories:feed")})
    assert response.status_code == 302 and response["Location"] == reverse("stories:feed")
    story.refresh_from_db()
    assert story.thanks_count == 2
    member.post(url, {"thank": "0"}, headers={"HX-Request": "true"})  # taken back
    story.refresh_from_db()
    assert story.thanks_count == 1 and list(story.thanks.values_list("person", flat=True)) == [org.chair.pk]


def test_thanks_are_one_per_person_in_the_database(org):
    story = make_story(org.workplace, org.employee)
    Thanks.objects.create(story=story, person=org.member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thanks.objects.create(story=story, person=org.member)


def test_thanks_leave_no_open_redirect(org, client_for):
    story = make_story(org.workplace, org.employee)
    response = client_for(org.member).post(reverse("stories:thank", args=[story.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == story.get_absolute_url()


def test_a_new_workplace_story_does_not_leak_into_another_committees_followed_feed(org, client_for):
    lonely = WorkplaceFactory(name="Ensomt sted")
    make_story(lonely, UserFactory(), title="Uden udvalg")
    client = client_for(org.member)
    client.post(reverse("stories:follow"), {"committee": org.committee.pk})
    assert "Uden udvalg" not in client.get(reverse("stories:feed")).content.decode()


def test_a_cards_themes_are_labelled_in_the_themes_order_in_the_feed_and_on_the_public_page(org, client_for):
    """The feed labels the theme ids from the themes it lists; the public page reads the
    labels with the stories (in the active language, the Danish name where no English)."""
    story = make_story(org.workplace, org.employee, visibility="public", title="Temaer")
    themes = [
        Theme.objects.create(slug="oe", name="Øresund, kyst", name_en="Coast"),
        Theme.objects.create(slug="a", name="Arbejdsmiljø", name_en=""),
        Theme.objects.create(slug="b", name="Bevægelse", name_en="Movement"),
    ]
    story.themes.set(themes)
    in_order = list(Theme.objects.filter(pk__in=[t.pk for t in themes]))  # the model's order

    def badges(client, url) -> list[str]:
        body = client.get(url).content.decode()
        return re.findall(r'<span class="badge rounded-pill story-theme">([^<]*)</span>', body)

    member, anonymous = client_for(org.member), client_for(None)
    danish = [escape(theme.name) for theme in in_order]
    assert badges(member, reverse("stories:feed") + "?tab=all") == danish
    assert badges(anonymous, reverse("stories:public")) == danish
    for client in (member, anonymous):
        client.cookies["django_language"] = "en"
    with translation.override("en"):
        english = [escape(theme.label) for theme in in_order]
    assert english == ["Arbejdsmiljø", "Movement", "Coast"]
    assert badges(member, reverse("stories:feed") + "?tab=all") == english
    assert badges(anonymous, reverse("stories:public")) == english
