"""The committee plan reads each page's committee cases with its meeting rows on PostgreSQL
(cases.selectors.plan_cases_column): the same cases, in the same order, with the same
hearing states as plan_cases' own query, for every reader, and one query fewer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.selectors import plan_cases
from meetings.models import Meeting
from meetings.selectors import CommitteePlan
from tests.meetings.test_query_counts import _cases_on, _meetings_for


@pytest.mark.parametrize(
    "role", ["member", "chair", "leader", "director", "admin", "employee", "other_member", "centre_head", "nobody"]
)
def test_the_rows_cases_are_plan_cases_for_every_reader(org, postgres, role):
    year = timezone.localdate().year + 1
    _meetings_for(org, 60, start=timezone.make_aware(dt.datetime(year, 1, 5, 9)), every_hours=8)
    meetings = list(Meeting.objects.filter(committee=org.committee).order_by("starts_at"))
    _cases_on(org, meetings[:12], answered_every=3)
    _cases_on(org, meetings[3:5])  # a second case on two meetings: agenda order within one
    user = getattr(org, role)
    plan = CommitteePlan(org.committee, year=year, user=user)
    for bottom in (0, 40):
        rows = plan.rows(bottom, bottom + 40)
        expected = plan_cases(user, [row["pk"] for row in rows])
        assert plan.cases(rows) == expected
    if role in ("member", "director"):
        assert any(len(cases) == 2 for cases in plan.cases(plan.rows(0, 40)).values())
