"""meetings.selectors.page_of gives the page Paginator.get_page gives, the count with the rows."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from meetings.models import Meeting
from meetings.selectors import page_of
from tests.meetings import helpers


@pytest.mark.parametrize("count", [0, 6])
@pytest.mark.parametrize("number", [None, "x", "1.5", 1.0, "2", "0", "99"])
def test_page_of_answers_like_the_paginator(org, count, number):
    if count:
        helpers.bulk_meetings(org, count, start=timezone.now(), every_hours=1)
    meetings = Meeting.objects.order_by("starts_at", "pk")
    expected = Paginator(meetings, 5).get_page(number)
    page = page_of(meetings, 5, number)
    assert page.number == expected.number
    assert [m.pk for m in page.object_list] == [m.pk for m in expected.object_list]
    assert page.paginator.count == expected.paginator.count == count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert (page.has_previous(), page.has_next()) == (expected.has_previous(), expected.has_next())


def test_a_page_in_range_is_one_query(org, django_assert_num_queries):
    helpers.bulk_meetings(org, 12, start=timezone.now(), every_hours=1)
    with django_assert_num_queries(1):
        page = page_of(Meeting.objects.order_by("starts_at", "pk"), 5, "3")
        assert (page.number, len(page.object_list), page.paginator.num_pages) == (3, 2, 3)
