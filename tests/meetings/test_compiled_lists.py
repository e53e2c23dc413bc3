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
