"""Queries compiled once and run with each reader's values (samspil/compiled.py) answer as
the querysets they were compiled from, for every role: the rules stay in the querysets,
and a compiled query reused for another reader of the same shape (the same number of
committees, workplaces…) reads that reader's ids, not the first one's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from cases import selectors as case_selectors
from cases.models import Case
from cases.permissions import get_hearing_for_user
from meetings import permissions as meeting_permissions
from meetings.models import MeetingKind
from meetings.selectors import meeting_participants, meetings_visible_to
from organisation.models import Membership
from samspil.compiled import CompiledQuery, StandIns
from samspil.paging import total_of
from tests.cases.helpers import committee_meeting, hearing_of, make_case
from tests.meetings import helpers

pytestmark = pytest.mark.django_db


def _meetings(org) -> list:
    return [
        helpers.meeting(org),
        helpers.meeting(org, committee=org.other_committee, host=org.other_workplace, organiser=org.other_leader),
        helpers.meeting(org, committee=None, host=org.other_workplace, workplaces=[org.workplace]),
        helpers.meeting(org, slug=MeetingKind.COMMITTEE_AT_WORKPLACE, committee=org.other_committee, host=None),
    ]


def test_the_meeting_pages_query_sees_what_meetings_visible_to_sees_for_every_role(org):
    meetings = _meetings(org)
    for name, user in org.roles.items():
        if user is None:
            continue
        for meeting in meetings:
            expected = meetings_visible_to(user).filter(pk=meeting.pk).exists()
            try:
                page = meeting_permissions.get_meeting_for_user(user, meeting.pk, page=True)
            except Http404:
                seen = False
            else:
                seen = True
                assert page.pk == meeting.pk
                assert [p.pk for p in meeting_participants(page)] == [
                    p.pk for p in meeting.participants.order_by("role", "person__full_name")
                ]
            assert seen == expected, (name, meeting.title)


def test_a_compiled_meeting_query_reads_each_readers_own_committee(org):
    # member and other_member sit on one committee each: the same shape, one compiled query.
    meeting = helpers.meeting(org, committee=org.other_committee, host=None, organiser=org.other_leader)
    with pytest.raises(Http404):
        meeting_permissions.get_meeting_for_user(org.member, meeting.pk, page=True)
    assert meeting_permissions.get_meeting_for_user(org.other_member, meeting.pk, page=True).pk == meeting.pk
    with pytest.raises(Http404):
        meeting_permissions.get_meeting_for_user(org.member, meeting.pk, page=True)


def test_a_meeting_that_is_not_there_is_404(org):
    with pytest.raises(Http404):
        meeting_permissions.get_meeting_for_user(org.director, 987654, page=True)


@pytest.mark.parametrize("status", ["", Case.Status.IN_HEARING, Case.Status.DRAFT])
def test_the_case_list_page_is_what_its_querysets_read_for_every_role(org, status):
    meeting = committee_meeting(org)
    for _index in range(3):
        make_case(org, meeting=meeting)
    make_case(org, Case.Status.DRAFT, meeting=meeting)
    make_case(org, meeting=meeting, workplaces=[org.other_workplace])
    for name, user in org.roles.items():
        if user is None:
            continue
        for number in (1, 2, 3):
            rows, total, page = case_selectors.case_list_page(user, status=status, per_page=2, number=number)
            expected = list(
                case_selectors.case_list_rows(user, status=status).annotate(
                    _total=total_of(case_selectors.case_list(user, status=status))
                )[(number - 1) * 2 : number * 2]
            )
            assert rows == expected, (name, status, number)
            assert total == (expected[0]["_total"] if expected else None)
            assert page == number


def test_the_hearing_pages_query_reads_what_the_hearing_and_its_lists_are(org):
    hearing = hearing_of(make_case(org))
    page = get_hearing_for_user(org.leader, hearing.pk, page=True)
    assert (page.pk, page.case.pk, page.workplace.pk, page.case.committee.pk) == (
        hearing.pk,
        hearing.case.pk,
        hearing.workplace.pk,
        hearing.case.committee.pk,
    )
    plain = get_hearing_for_user(org.leader, hearing.pk)
    assert case_selectors.hearing_invitees(page) == case_selectors.hearing_invitees(plain)
    with pytest.raises(Http404):
        get_hearing_for_user(org.leader, 987654, page=True)


def test_a_stand_in_date_is_filled_with_the_real_one(org):
    stand_ins = StandIns()
    compiled = CompiledQuery(
        Membership.objects.current(stand_ins.date("on")).filter(person_id=stand_ins.id("person")).order_by("pk"),
        stand_ins,
    )
    today = timezone.localdate()
    for on in (today, today - dt.timedelta(days=365)):
        expected = list(Membership.objects.current(on).filter(person=org.member).order_by("pk"))
        assert compiled.instances({"on": on, "person": org.member.pk}) == expected
    assert compiled.instances({"on": today, "person": org.member.pk})  # granted 30 days ago


def test_the_agenda_views_cases_are_what_their_queryset_reads_for_every_role(org):
    meeting = committee_meeting(org)
    make_case(org, meeting=meeting)
    make_case(org, Case.Status.DRAFT, meeting=meeting)
    make_case(org, meeting=meeting, workplaces=[org.other_workplace])
    today = timezone.localdate()
    for name, user in org.roles.items():
        if user is None:
            continue
        for on in (today, today + dt.timedelta(days=400)):  # the hearings open, then overdue
            expected = list(
                case_selectors.cases_visible_to(user)
                .filter(meeting=meeting)
                .values("pk", "status")
                .annotate(**case_selectors._state_counts(on))
                .order_by("agenda_item__order", "pk")
            )
            cases = case_selectors.meeting_cases(meeting, user, today=on)
            assert [(c.pk, c.status, c.state_counts) for c in cases] == [
                (row["pk"], row["status"], case_selectors._states(row)) for row in expected
            ], (name, on)


def test_the_committee_by_slug_is_what_get_object_for_user_gives_for_every_role(org):
    from django.core.exceptions import PermissionDenied

    from organisation.models import Committee
    from organisation.permissions import get_committee_for_user
    from samspil.access import get_object_for_user

    def old(user, slug, write):
        return get_object_for_user(
            user,
            Committee.objects.all(),
            view_perm="organisation.view_committee",
            change_perm="organisation.change_committee",
            write=write,
            slug=slug,
        )

    def outcome(read, user, slug, write):
        try:
            committee = read(user, slug, write=write) if read is get_committee_for_user else read(user, slug, write)
        except (Http404, PermissionDenied) as refusal:
            return type(refusal)
        return (committee.pk, committee.name, committee.slug, committee.is_active)

    for name, user in org.roles.items():
        if user is None:
            continue
        for slug in (org.committee.slug, org.other_committee.slug, "ikke-et-udvalg", ""):
            for write in (False, True):
                assert outcome(get_committee_for_user, user, slug, write) == outcome(old, user, slug, write), (
                    name,
                    slug,
                    write,
                )
