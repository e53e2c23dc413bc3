"""The committee's meeting plan shows each meeting's cases with their hearings' states at a
glance (answered / no comments / overdue / overridden / open), each linking to the case,
and warns the chair about the next agenda; the per-meeting agenda view stays as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Hearing

from .helpers import committee_meeting, hearing_of, make_case

pytestmark = pytest.mark.django_db


def _titled(case: Case, title: str) -> Case:
    Case.objects.filter(pk=case.pk).update(title=title)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def plan(org):
    meeting = committee_meeting(org, days=30)
    cases = {state: _titled(make_case(org, meeting=meeting), f"Sag {state}") for state in STATES}
    hearing = hearing_of(cases["answered"])
    services.hearing_submit(hearing=hearing, answer="Vi støtter forslaget.", version=hearing.version, by=org.leader)
    services.hearing_no_comments(hearing=hearing_of(cases["no_comments"]), by=org.leader)
    Hearing.objects.filter(case=cases["overdue"]).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    services.case_override(case=cases["overridden"], by=org.admin, reason="Sagen haster.")
    draft = _titled(make_case(org, Case.Status.DRAFT, meeting=meeting), "Sag i kladde")
    url = reverse("meetings:committee_plan", args=[org.committee.slug]) + f"?year={meeting.starts_at.year}"
    return meeting, cases, draft, url


STATES = ("answered", "no_comments", "overdue", "overridden", "open")
BADGES = {
    "answered": "hørt: besvaret",
    "no_comments": "hørt: ingen bemærkninger",
    "overdue": "fristen overskredet",
    "overridden": "tilsidesat",
    "open": "afventer svar",
}


def _case_line(html: str, case: Case) -> str:
    start = html.index(f'href="{reverse("cases:detail", args=[case.pk])}"')
    return html[start : html.index("</li>", start)]


def test_the_plan_shows_each_cases_hearing_state_and_links_to_the_case(org, client_for, plan):
    meeting, cases, _draft, url = plan
    html = client_for(org.member).get(url).content.decode()
    for state, case in cases.items():
        line = _case_line(html, case)
        assert f"hearing-state-{state}" in line, state
        assert BADGES[state] in line, state
    # The agenda view of the meeting, from the plan.
    assert reverse("cases:agenda", args=[meeting.pk]) in html
    # A draft is the secretariat's and the chair's: not on a member's plan.
    assert "Sag i kladde" not in html
    # The chair's warning is the chair's.
    assert "agenda-warning" not in html


def test_the_chair_sees_the_drafts_and_a_warning_about_the_next_agenda(org, client_for, plan):
    _meeting, _cases, _draft, url = plan
    html = client_for(org.chair).get(url).content.decode()
    assert "Sag i kladde" in html
    warning = html[html.index("agenda-warning") : html.index("</div>", html.index("agenda-warning"))]
    assert "sag" in warning and "næste dagsorden" in warning
    assert "Sag overdue" in warning and "Sag open" in warning
    assert "Sag answered" not in warning and "Sag no_comments" not in warning


def test_the_plan_shows_only_the_cases_the_reader_may_see(org, client_for, plan):
    meeting, _cases, _draft, url = plan
    # The leadership sees every case, drafts included, and the agenda view.
    html = client_for(org.director).get(url).content.decode()
    assert "Sag answered" in html and "Sag i kladde" in html
    assert reverse("cases:agenda", args=[meeting.pk]) in html
    # A member of another committee reads the plan (public structure) but no case of it.
    response = client_for(org.other_member).get(url)
    assert response.status_code == 200
    assert "Sag answered" not in response.content.decode() and "plan-cases" not in response.content.decode()


def test_the_agenda_view_and_its_warning_still_work(org, client_for, plan):
    meeting, _cases, _draft, _url = plan
    html = client_for(org.chair).get(reverse("cases:agenda", args=[meeting.pk])).content.decode()
    assert "agenda-warning" in html
    for state in STATES:
        assert BADGES[state] in html


def _old_agenda_warnings(committee_ids, now):
    """next_agenda_warnings as it read before its compiled form: the next meeting asked per
    case's meeting."""
    from django.db.models import F, OuterRef, Subquery

    from meetings.models import Meeting

    next_meeting = (
        Meeting.objects.active()
        .filter(committee_id=OuterRef("meeting__committee_id"), starts_at__gte=now, cases__isnull=False)
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    return list(
        Case.objects.filter(
            meeting__committee_id__in=committee_ids,
            status__in=[Case.Status.DRAFT, Case.Status.IN_HEARING],
            hearings__status=Hearing.Status.OPEN,
        )
        .annotate(next_meeting=Subquery(next_meeting))
        .filter(meeting_id=F("next_meeting"))
        .select_related("meeting", "committee")
        .distinct()
        .order_by("meeting__starts_at", "pk")[:10]
    )


def test_the_agenda_warnings_are_what_the_per_case_query_read(org):
    # Both committees' meetings: a cancelled one first, one without cases, the next with
    # cases in hearing, in draft, closed and decided, a later one; read for each committee
    # and both, from several moments (between and after the meetings).
    from cases.selectors import next_agenda_warnings
    from meetings.models import Meeting
    from tests.meetings import helpers as meeting_helpers

    cancelled = committee_meeting(org, days=3)
    make_case(org, meeting=cancelled)
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    committee_meeting(org, days=4)  # no cases
    nearest = committee_meeting(org, days=6)
    make_case(org, meeting=nearest)
    make_case(org, Case.Status.DRAFT, meeting=nearest)
    closed = make_case(org, meeting=nearest)
    Hearing.objects.filter(case=closed).update(status=Hearing.Status.NO_COMMENTS, submitted_at=timezone.now())
    later = committee_meeting(org, days=20)
    make_case(org, meeting=later)
    other = meeting_helpers.meeting(org, days=8, committee=org.other_committee, host=None, organiser=org.other_leader)
    make_case(org, meeting=other)
    now = timezone.now()
    for committee_ids in ([org.committee.pk], [org.other_committee.pk], [org.committee.pk, org.other_committee.pk], []):
        for moment in (now, now + dt.timedelta(days=5), now + dt.timedelta(days=7), now + dt.timedelta(days=30)):
            got = next_agenda_warnings(committee_ids, now=moment)
            want = _old_agenda_warnings(committee_ids, moment)
            assert [(c.pk, c.meeting.pk, c.meeting.starts_at, c.committee.name) for c in got] == [
                (c.pk, c.meeting.pk, c.meeting.starts_at, c.committee.name) for c in want
            ], (committee_ids, moment)
    assert next_agenda_warnings([org.committee.pk], now=now)  # the scenario warns at all
