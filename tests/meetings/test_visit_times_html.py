"""Free visit times written by Jinja2 (meetings/_visit_times.jinja) are the markup the
Django template wrote before (tests/meetings/templates_before/, `same_as_before`:
tests/meetings/conftest.py): a page of times and the next, filtered (the pagination keeps
the filters), booked, too late to book, none found, a filter with errors, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.visits import services as visit_services
from tests import factories
from tests.meetings import helpers

URL = "/moeder/besoeg/"


@pytest.mark.parametrize("language", ["da", "en"])
def test_free_visit_times_read_the_same_for_every_reader_and_filter(org, same_as_before, language):
    other = factories.WorkplaceFactory(name="Skolen ved 'Åen' & <Søen>", committees=[org.committee])
    for day in range(3, 17):
        helpers.slot(org, days=day)
        helpers.slot(org, days=day, hour=13, workplace=other, note='Mød op i "hallen" & <gården>')
    helpers.slot(org, days=1, hour=9, min_notice_hours=72)  # too late to book
    mine = helpers.slot(org, days=18, capacity=2)
    visit_services.visit_book(slot_id=mine.pk, member=org.member)
    day = (timezone.localdate() + dt.timedelta(days=8)).isoformat()
    for user in (org.member, org.chair, org.admin, org.other_member):
        same_as_before(user, URL, language=language)
    for query, status in (
        ("?page=2", 200),
        (f"?committee={org.committee.slug}&date_from={day}", 200),
        (f"?committee={org.committee.slug}&date_from={day}&page=2", 200),
        (f"?centre={org.centre.slug}", 200),
        ("?page=99", 200),
        # Filters with errors answer 400 with the errors on their fields.
        ("?date_from=2000-01-01&date_to=2000-01-02", 400),
        (f"?date_from={day}&date_to=2000-01-01", 400),
        ("?kind=<ingen>", 400),
    ):
        same_as_before(org.member, URL + query, language=language, status=status)
