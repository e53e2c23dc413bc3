"""The dashboard's report is cached, and still shows every change at the next request:
database triggers bump a data version on each write to what the figures read, whatever
made the write (a service's save, a queryset update, a bulk insert)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from coverage import freshness
from meetings import services
from meetings.models import Meeting, Participant
from tests.coverage.helpers import held
from tests.meetings import helpers as meeting_helpers


@dataclass
class Row:
    total: int
    politicians: int
    last: str  # the "last contact" cell


def row(client, slug: str = "egeskovskolen", language: str = "en", **params) -> tuple[Row, int]:
    """The workplace's row as the dashboard shows it, and the SQL queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("coverage:dashboard"), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(rf'data-workplace="{slug}">(.*?)</tr>', html, re.S)
    assert found, slug
    cells = found.group(1)
    total = int(re.search(r'data-column="total">(\d+)<', cells).group(1))
    politicians = int(re.search(r'data-column="politicians">(\d+)<', cells).group(1))
    last = re.search(r'<td data-column="last">(.*?)</td>', cells, re.S).group(1)
    return Row(total, politicians, re.sub(r"<[^>]+>", "", last).strip()), len(captured.captured_queries)


def test_a_meeting_held_moved_and_cancelled_shows_at_the_next_request(org, client_for):
    client = client_for(org.admin)
    meeting = meeting_helpers.meeting(org, days=-2)  # planned, in the past: no contact yet
    first, _queries = row(client)
    assert first.total == 0
    again, cached_queries = row(client)
    assert again.total == 0
    # Marked held through the meetings page (the service's queryset update).
    client_for(org.chair).post(reverse("meetings:meeting_held", args=[meeting.pk]))
    held_row, queries = row(client)
    shown_date = formats.date_format(timezone.localdate(meeting.starts_at), "SHORT_DATE_FORMAT")
    assert held_row.total == 1 and held_row.last == shown_date
    assert queries > cached_queries  # computed afresh
    # Moved back beyond the period.
    # (A correction in the data: no one may move a meeting into the past through the pages.)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - dt.timedelta(days=400), ends_at=meeting.ends_at - dt.timedelta(days=400)
    )
    moved, _queries = row(client)
    assert moved.total == 0 and moved.last != shown_date
    # Cancelled by a bulk correction that no model signal would see.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    assert row(client)[0].total == 1
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    cancelled, _queries = row(client)
    assert cancelled.total == 0 and cancelled.last == "never"


def test_a_politician_declining_afterwards_and_a_bulk_insert_show_at_once(org, client_for):
    client = client_for(org.admin)
    meeting = held(host=org.workplace, days_ago=5, politicians=[org.member, org.chair])
    assert row(client)[0].politicians == 2
    services.participant_respond(meeting=meeting, person=org.member, response=Participant.Response.NO)
    assert row(client)[0].politicians == 1
    # A workplace joins an existing meeting by a bulk insert into the through table.
    Meeting.workplaces.through.objects.bulk_create(
        [Meeting.workplaces.through(meeting_id=meeting.pk, workplace_id=org.other_workplace.pk)]
    )
    assert row(client, org.other_workplace.slug)[0].total == 1


def test_a_change_the_figures_do_not_read_keeps_the_cached_report(org, client_for):
    client = client_for(org.admin)
    meeting = held(host=org.workplace, days_ago=5)
    row(client)
    _row, cached_queries = row(client)
    Meeting.objects.filter(pk=meeting.pk).update(title="Nyt navn", purpose="Andet")
    _row, queries = row(client)
    assert queries == cached_queries
    # Renaming the workplace is read (the table shows the name).
    org.workplace.name = "Egeskovskolen Nord"
    org.workplace.save()
    assert "Egeskovskolen Nord" in client.get(reverse("coverage:dashboard")).content.decode()


def test_without_a_cache_timeout_nothing_is_cached(org, client_for, settings):
    settings.COVERAGE_REPORT_CACHE_SECONDS = 0
    client = client_for(org.admin)
    _row, first = row(client)
    _row, second = row(client)
    assert first == second


@pytest.mark.postgres
def test_postgresql_bumps_the_version_as_the_write_happens_and_again_at_commit(transactional_db):
    from organisation.models import Centre

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")

    before = freshness.VERSION.read()
    with transaction.atomic():
        Centre.objects.create(name="Nyt center", slug="nyt-center")
        during = freshness.VERSION.read()
        assert during != before  # the writer reads its own change fresh
        # Another session sees the bump already; the deferred trigger bumps again at commit.
        other = connections.create_connection("default")
        try:
            seen = freshness.VERSION.read(other)
        finally:
            other.close()
        assert seen == during
    assert freshness.VERSION.read() != during


def test_the_beat_computes_the_leaderships_report_ahead_after_a_change(org, client_for, settings):
    from coverage.tasks import warm_dashboard

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client = client_for(org.admin)
    held(host=org.workplace, days_ago=5)
    assert warm_dashboard() is True
    assert warm_dashboard() is False  # nothing changed since
    # The director's first view renders the page from the report computed ahead: no
    # aggregates (1 session, 2 user with their roles, 3 version, 4–8 the filters' lists), in
    # the site's language.
    _row, queries = row(client, language="da")
    assert queries == 8
    held(host=org.workplace, days_ago=6)
    assert warm_dashboard() is True
    assert row(client, language="da")[0].total == 2
