"""The minutes pages run a fixed number of queries, whatever the number of participants,
readers and comments (issue 16, point 5)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from meetings import minutes as minutes_services
from meetings import services
from meetings.models import MinutesComment, MinutesReadRequest, Participant
from tests import factories
from tests.meetings import helpers


def _crowd(meeting, count: int) -> list:
    User = factories.User
    people = User.objects.bulk_create(
        [User(email=f"p{n}@big.example", full_name=f"Deltager {n:04d}", password="!") for n in range(count)]
    )
    Participant.objects.bulk_create(
        [Participant(meeting=meeting, person=p, role="guest", attendance="present") for p in people]
    )
    return people


def _draft_in_reading(org, size: int):
    meeting = helpers.meeting(org, days=-1)
    people = _crowd(meeting, size)
    services.minutes_save(meeting=meeting, author=org.chair, text="Udkast", based_on_version=0)
    minutes_services.attendance_save(meeting=meeting, actor=org.chair, marks={}, others="Jens Holm, pedel")
    minutes_services.reading_ask(
        meeting=meeting, actor=org.chair, people=[org.member, *people], deadline=helpers.at(3, 12)
    )
    minutes = meeting.minutes
    MinutesReadRequest.objects.filter(person__in=people[: size // 2]).update(read_at=minutes.updated_at, read_version=1)
    MinutesComment.objects.bulk_create(
        [MinutesComment(minutes=minutes, author=p, text=f"Rettelse {n}", version=1) for n, p in enumerate(people)]
    )
    return meeting


# The meeting page of draft minutes in reading, for the writer: the meeting page's four
# (tests/meetings/test_query_counts.py: the user with their roles, the meeting with its minutes'
# versions, other workplaces, agenda and may I see it, participants, the host's
# agreement), the read requests with their people (1) and the comments with their
# authors (1).
DRAFT_PAGE_QUERIES = 6 + (
    0 if connection.vendor == "postgresql" else 3
)  # elsewhere the workplaces, the versions and the agenda are queries of their own


@pytest.mark.parametrize("size", [10, 300])
def test_the_meeting_page_with_minutes_in_reading_runs_a_fixed_number_of_queries(
    org, client_for, size, django_assert_num_queries
):
    meeting = _draft_in_reading(org, size)
    client = client_for(org.chair)
    client.get(meeting.get_absolute_url())
    with django_assert_num_queries(DRAFT_PAGE_QUERIES):
        response = client.get(meeting.get_absolute_url())
    html = response.content.decode()
    assert f"Rettelse {size - 1}" in html and f"{size // 2} af {size + 1} har læst udkastet" in html


# The attendance page: the user with their roles (1), the meeting with its minutes (1),
# may I see it (1), the participants with their people (1).
ATTENDANCE_QUERIES = 4
# The reading page: the user with their roles (1), the meeting with its minutes (1), may I
# see it (1), the participants to offer (1), who was asked already (1).
READING_QUERIES = 5


@pytest.mark.parametrize("size", [10, 300])
def test_the_attendance_and_reading_pages_run_a_fixed_number_of_queries(
    org, client_for, size, django_assert_num_queries
):
    meeting = _draft_in_reading(org, size)
    client = client_for(org.chair)
    for name, budget in (("minutes_attendance", ATTENDANCE_QUERIES), ("minutes_reading", READING_QUERIES)):
        url = reverse(f"meetings:{name}", args=[meeting.pk])
        client.get(url)
        with django_assert_num_queries(budget):
            response = client.get(url)
        assert "Deltager" in response.content.decode(), name
