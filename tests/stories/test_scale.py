"""The feed stays fast with 100,000 stories (PostgreSQL): keyset pages use the index."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse

from stories.models import Story
from stories.selectors import encode_cursor

pytestmark = pytest.mark.postgres


def insert_stories(org, count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO stories_story (workplace_id, author_id, title, summary, body, status,
                visibility, shows_people, consent_given_by, return_comment, thanks_count, created_at,
                updated_at, published_at)
            SELECT CASE WHEN n %% 2 = 0 THEN %s ELSE %s END, %s, 'Historie ' || n, 'Kort', 'Lang',
                CASE WHEN n %% 10 = 0 THEN 'submitted' ELSE 'published' END,
                CASE WHEN n %% 3 = 0 THEN 'public' ELSE 'internal' END, false, '', '', n %% 7,
                now(), now(), CASE WHEN n %% 10 = 0 THEN NULL ELSE now() - n * interval '1 minute' END
            FROM generate_series(1, %s) AS n
            """,
            [org.workplace.pk, org.other_workplace.pk, org.employee.pk, count],
        )
        cursor.execute("ANALYZE stories_story")


def timed(client, url: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        best = min(best, time.perf_counter() - started)
    return best


def test_the_feed_answers_quickly_at_every_depth_with_100000_stories(postgres, org, client_for):
    insert_stories(org, 100_000)
    client = client_for(org.member)
    deep = Story.objects.published().order_by("-published_at", "-id")[80_000]
    timings = {
        "first page": timed(client, reverse("stories:feed") + "?tab=all"),
        "page 4,000": timed(client, reverse("stories:feed") + f"?tab=all&after={encode_cursor(deep)}"),
        "workplace": timed(client, reverse("stories:feed") + f"?tab=all&workplace={org.other_workplace.pk}"),
        "committee": timed(client, reverse("stories:feed") + f"?tab=all&committee={org.committee.pk}"),
        "public": timed(client_for(None), reverse("stories:public")),
    }
    print({name: f"{seconds * 1000:.1f} ms" for name, seconds in timings.items()})
    for name, seconds in timings.items():
        assert seconds < 0.3, f"{name}: {seconds * 1000:.0f} ms"
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM stories_story WHERE status = 'published' "
            "AND (published_at < %s OR (published_at = %s AND id < %s)) ORDER BY published_at DESC, id DESC LIMIT 21",
            [deep.published_at, deep.published_at, deep.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "story_feed" in plan, plan
