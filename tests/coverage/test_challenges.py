"""The coverage dashboard counts the challenges each workplace told its committee in the
period (issue 18.2), with the dashboard's filters, sorting and exports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Story
from tests.stories.helpers import make_challenge, make_story

pytestmark = pytest.mark.django_db


def row_of(response, slug: str):
    return next(row for row in response.context["report"].rows if row.slug == slug)


def test_the_dashboard_counts_the_challenges_sent_in_the_period_per_workplace(org, client_for):
    client = client_for(org.admin)
    before = client.get(reverse("coverage:dashboard"))
    assert row_of(before, org.workplace.slug).challenges == 0
    make_challenge(org.workplace, org.employee)
    make_challenge(org.workplace, org.employee, published_at=timezone.now() - dt.timedelta(days=30))
    make_challenge(org.workplace, org.employee, published_at=timezone.now() - dt.timedelta(days=500))  # before
    make_challenge(org.workplace, org.employee, status=Story.Status.SUBMITTED)  # not sent yet
    make_story(org.workplace, org.employee)  # a good story is not a challenge
    make_challenge(org.other_workplace, org.other_leader)
    # A challenge sent bumps the data version (coverage/freshness.py): no stale cached copy.
    response = client.get(reverse("coverage:dashboard"))
    assert row_of(response, org.workplace.slug).challenges == 2
    assert row_of(response, org.other_workplace.slug).challenges == 1
    assert "Fortalte udfordringer" in response.content.decode()
    # The filters narrow it like every other column.
    chair = client_for(org.chair).get(reverse("coverage:dashboard"), {"committee": org.committee.slug})
    assert [row.slug for row in chair.context["report"].rows] == [org.workplace.slug]
    assert row_of(chair, org.workplace.slug).challenges == 2
    # Sorting by the column, most first.
    ordered = client.get(reverse("coverage:dashboard"), {"sort": "-challenges"}).context["page"].object_list
    assert ordered[0].slug == org.workplace.slug


def test_the_export_carries_the_challenges_column(org, client_for):
    make_challenge(org.workplace, org.employee)
    csv = client_for(org.admin).get(reverse("coverage:export", args=["csv"])).content.decode("utf-8-sig")
    header, *lines = [line.split(";") for line in csv.strip().splitlines()]
    column = header.index("Fortalte udfordringer")
    by_name = {line[0]: line[column] for line in lines}
    assert by_name[org.workplace.name] == "1" and by_name[org.other_workplace.name] == "0"
