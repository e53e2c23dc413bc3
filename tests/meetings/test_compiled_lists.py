"""The meeting lists' compiled reads (samspil/compiled.py) give what their querysets give,
for every role: the stand-ins are filled with each reader's own ids and times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings import selectors
from meetings.models import Meeting, Participant
from meetings.selectors import list_values, meetings_visible_to, my_meetings, my_meetings_page, page_of
from meetings.visits.selectors import my_booking_rows, my_bookings
from organisation.models import Committee, Workplace
from organisation.roles import roles_of
from samspil import compiled
from tests.meetings import helpers


@pytest.fixture
def meetings(org):
    """Meetings of both committees, upcoming and past, some with other people."""
    made = [helpers.meeting(org, days=days, title=f"Møde {days}") for days in (2, 5, 9, 30)]
    made.append(
        helpers.meeting(org, days=4, title="Andet udvalg", committee=org.other_committee, organiser=org.other_member)
    )
    made.append(helpers.meeting(org, days=6, title="Anden arbejdsplads", host=org.other_workplace))
    for days, meeting in zip((-3, -40), made[:2], strict=True):
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=helpers.at(days, 16), ends_at=helpers.at(days, 18))
    Participant.objects.filter(meeting=made[3], person=org.member).delete()
    return made


def _people(org):
    return [user for user in org.roles.values() if user is not None]


@pytest.mark.parametrize("past", [False, True])
def test_my_meetings_page_gives_the_querysets_rows_for_every_role(org, meetings, past):
    for user in _people(org):
        for number in (1, 2, "x", 0):
            page = my_meetings_page(user, past=past, per_page=2, number=number)
            rows = list_values(
                my_meetings(user.pk, past=past, now=timezone.now()), user.pk, "committee__name", "my_booking_status"
            )
            expected = page_of(rows, 2, number)
            got = [{k: v for k, v in row.items() if k != "paging_total"} for row in page.object_list]
            want = [{k: v for k, v in row.items() if k != "paging_total"} for row in expected.object_list]
            assert got == want, (user, past, number)
            assert (page.number, page.paginator.count) == (expected.number, expected.paginator.count)


def test_the_committee_plan_gives_the_querysets_rows_for_every_role(org, meetings):
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    for user in _people(org):
        for committee in (org.committee, org.other_committee):
            plan = selectors.CommitteePlan(committee, year=year, user=user)
            visible = meetings_visible_to(
                user,
                Meeting.objects.filter(
                    committee=committee,
                    starts_at__gte=dt.datetime(year, 1, 1, tzinfo=tz),
                    starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=tz),
                ),
            )
            assert [row["pk"] for row in plan.rows(0, 40)] == list(
                visible.order_by("starts_at", "pk").values_list("pk", flat=True)
            ), (user, committee)
            counts = {}
            for meeting in visible:
                month = timezone.localtime(meeting.starts_at).month
                counts[month] = counts.get(month, 0) + 1
            assert plan.months() == sorted(counts.items()), (user, committee)
            if not roles_of(user).is_leadership:
                mine = {row["pk"]: row["my_response"] for row in plan.rows(0, 40)}
                replies = dict(
                    Participant.objects.filter(person=user, meeting_id__in=mine).values_list("meeting_id", "response")
                )
                assert mine == {pk: replies.get(pk) for pk in mine}


def test_a_plan_page_is_the_years_rows_sliced_for_every_role(org, meetings):
    # The page's ids are read first and their columns after (selectors.CommitteePlan.rows):
    # each page is the slice of the whole year's list-value rows, as one query read them.
    from django.db.models.functions import ExtractMonth

    from meetings.selectors import _listed

    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    for extra in range(3):  # enough meetings for three pages of two
        helpers.meeting(org, days=10 + extra, title=f"Flere {extra}")
    for user in _people(org):
        for committee in (org.committee, org.other_committee):
            plan = selectors.CommitteePlan(committee, year=year, user=user)
            year_rows = meetings_visible_to(
                user,
                Meeting.objects.filter(
                    committee=committee,
                    starts_at__gte=dt.datetime(year, 1, 1, tzinfo=tz),
                    starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=tz),
                ),
            )
            whole = list(
                list_values(
                    _listed(year_rows, user.pk).annotate(month=ExtractMonth("starts_at")).order_by("starts_at", "pk"),
                    user.pk,
                    "month",
                )
            )
            for bottom in (0, 2, 4, 6, 40):
                # Less the committee cases the rows carry on PostgreSQL (test_plan_cases_column.py).
                rows = [{k: v for k, v in row.items() if k != "plan_cases"} for row in plan.rows(bottom, bottom + 2)]
                assert rows == whole[bottom : bottom + 2], (user, committee, bottom)


def test_the_plan_links_and_bookings_are_the_readers_own(org, meetings):
    columns = ("pk", "confirmed_at", "slot__starts_at", "slot__workplace__name", "slot__meeting__id")
    for user in _people(org):
        roles = roles_of(user)
        assert selectors.names_and_slugs(Committee, roles.committee_ids) == list(
            Committee.objects.filter(pk__in=roles.committee_ids).values("pk", "name", "slug")
        )
        assert selectors.names_and_slugs(Workplace, roles.staff_workplace_ids) == list(
            Workplace.objects.filter(pk__in=roles.staff_workplace_ids).values("pk", "name", "slug")
        )
        assert my_booking_rows(user, columns, limit=10) == list(my_bookings(user).values(*columns)[:10])


def test_a_compiled_read_takes_only_ids_sets_of_ids_and_times():
    with pytest.raises(TypeError):
        compiled.values_rows(("test",), lambda values: Meeting.objects.values("pk"), title="Møde")


def test_a_read_on_no_ids_is_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert (
            compiled.values_rows(
                ("test none",), lambda values: Meeting.objects.filter(pk__in=values["ids"]).values("pk"), ids=[]
            )
            == []
        )


def test_the_plans_cases_are_the_querysets_for_every_role(org):
    from cases.models import Case, Hearing
    from cases.permissions import cases_visible_to
    from cases.selectors import _state_counts, _states, plan_cases
    from tests.cases.helpers import committee_meeting, make_case

    meetings = [committee_meeting(org, days=days) for days in (10, 20)]
    for meeting in meetings:
        make_case(org, meeting=meeting)
        make_case(org, Case.Status.DRAFT, meeting=meeting)
    Hearing.objects.filter(case__meeting=meetings[0]).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    ids = [meeting.pk for meeting in meetings]
    today = timezone.localdate()
    for user in _people(org):
        rows = (
            cases_visible_to(user)
            .filter(meeting_id__in=ids)
            .values("pk", "title", "meeting_id")
            .annotate(**_state_counts(today))
            .order_by("meeting_id", "agenda_item__order", "pk")
        )
        want: dict = {}
        for row in rows:
            want.setdefault(row["meeting_id"], []).append((row["pk"], row["title"], _states(row)))
        got = {
            pk: [(case.pk, case.title, case.state_counts) for case in cases]
            for pk, cases in plan_cases(user, ids, today=today).items()
        }
        assert got == want, user
        assert plan_cases(user, ids[:1], today=today).keys() <= {ids[0]}
