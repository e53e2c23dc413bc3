"""Leaders publish visit times; bad input gets a message on the field, nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from meetings.models import BlockedPeriod, VisitSlot
from tests.meetings import helpers

URL = "/moeder/virksomhed/egeskovskolen/besoegstider/"


def _post(client, **fields):
    day = fields.pop("date", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    data = {
        "form": "slot",
        "slot-date": day,
        "slot-start": "10:00",
        "slot-end": "11:30",
        "slot-capacity": "2",
        "slot-min_notice_hours": "48",
        "slot-repeat_weeks": "1",
        "slot-note": "Mød op i receptionen",
    }
    data.update({f"slot-{key}": value for key, value in fields.items()})
    return client.post(URL, data)


def test_a_leader_publishes_a_visit_time(org, client_for):
    response = _post(client_for(org.leader))
    assert response.status_code == 302
    slot = VisitSlot.objects.get()
    assert timezone.localtime(slot.starts_at).time() == dt.time(10, 0)
    assert (slot.capacity, slot.min_notice_hours, slot.created_by) == (2, 48, org.leader)


def test_a_leader_publishes_weekly_times_that_keep_their_local_hour_across_summer_time(org, client_for, settings):
    # Four Tuesdays around the last Sunday of October: 10:00 stays 10:00.
    year = timezone.localdate().year + 1
    response = _post(client_for(org.leader), date=f"{year}-10-13", repeat_weeks="4")
    assert response.status_code == 302
    slots = list(VisitSlot.objects.order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == ["10:00"] * 4
    assert len({s.series for s in slots}) == 1 and slots[0].series is not None
    offsets = {timezone.localtime(s.starts_at).utcoffset() for s in slots}
    assert offsets == {dt.timedelta(hours=2), dt.timedelta(hours=1)}


def test_an_end_before_the_start_is_refused_on_the_end_field_and_the_input_is_kept(org, client_for):
    response = _post(client_for(org.leader), start="14:00", end="13:00", note="Husk navneskilt")
    assert response.status_code == 400
    form = response.context["slot_form"]
    assert "end" in form.errors
    html = response.content.decode()
    assert 'value="14:00"' in html and 'value="13:00"' in html and "Husk navneskilt" in html
    assert not VisitSlot.objects.exists()


def test_a_time_in_the_past_is_refused_on_the_start_field(org, client_for):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = _post(client_for(org.leader), date=yesterday)
    assert response.status_code == 400
    assert "start" in response.context["slot_form"].errors
    assert yesterday in response.content.decode()


def test_a_time_overlapping_the_workplaces_other_times_is_refused(org, client_for):
    helpers.slot(org, days=14, hour=11)  # 11:00–12:00 overlaps 10:00–11:30
    response = _post(client_for(org.leader))
    assert response.status_code == 400
    errors = response.context["slot_form"].errors["start"]
    assert any("Overlaps" in e or "Overlapper" in e for e in errors), errors
    assert VisitSlot.objects.count() == 1


def test_a_time_inside_a_blocked_period_is_refused(org, client_for):
    day = timezone.localdate() + dt.timedelta(days=14)
    BlockedPeriod.objects.create(workplace=org.workplace, starts_on=day, ends_on=day, reason="Eksamen")
    response = _post(client_for(org.leader))
    assert response.status_code == 400
    assert any("Eksamen" in e for e in response.context["slot_form"].errors["start"])


def test_a_blocked_period_that_ends_before_it_starts_is_refused_on_the_end_field(org, client_for):
    response = client_for(org.leader).post(
        URL,
        {
            "form": "blocked",
            "blocked-starts_on": "2030-07-10",
            "blocked-ends_on": "2030-07-01",
            "blocked-reason": "Ferie",
        },
    )
    assert response.status_code == 400
    assert "ends_on" in response.context["blocked_form"].errors
    assert "Ferie" in response.content.decode()


def test_a_leader_blocks_the_summer_holiday(org, client_for):
    response = client_for(org.leader).post(
        URL,
        {
            "form": "blocked",
            "blocked-starts_on": "2030-07-01",
            "blocked-ends_on": "2030-07-31",
            "blocked-reason": "Ferie",
        },
    )
    assert response.status_code == 302
    assert BlockedPeriod.objects.get().reason == "Ferie"


def test_free_times_hide_blocked_full_and_past_times_and_show_least_visited_workplaces_first(org, client_for):
    from tests import factories

    busy = factories.WorkplaceFactory(name="Travlskolen", committees=[org.committee])
    quiet_slot = helpers.slot(org, days=20)
    helpers.slot(org, days=21, workplace=busy)
    # Travlskolen had a meeting last month; Egeskovskolen had none.
    helpers.meeting(org, days=-30, host=busy)
    full = helpers.slot(org, days=22, hour=14)
    helpers.booking(org, member=org.chair, days=23)  # another, booked to capacity
    blocked = helpers.slot(org, days=24)
    BlockedPeriod.objects.create(
        workplace=org.workplace,
        starts_on=timezone.localtime(blocked.starts_at).date(),
        ends_on=timezone.localtime(blocked.starts_at).date(),
        reason="Lejrskole",
    )
    from meetings.visits import services as visit_services

    visit_services.visit_book(slot_id=full.pk, member=org.chair)
    response = client_for(org.member).get("/moeder/besoeg/")
    slots = list(response.context["page"].object_list)
    assert [s.workplace.name for s in slots] == ["Egeskovskolen", "Travlskolen"]
    assert slots[0].pk == quiet_slot.pk


def test_other_committees_members_do_not_see_the_workplaces_times(org, client_for):
    helpers.slot(org)
    response = client_for(org.other_member).get("/moeder/besoeg/")
    assert list(response.context["page"].object_list) == []
    assert "No free visit times match" in response.content.decode() or "Ingen ledige" in response.content.decode()


def test_free_times_filter_by_date_range(org, client_for):
    helpers.slot(org, days=5)
    later = helpers.slot(org, days=40)
    day = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client_for(org.member).get("/moeder/besoeg/", {"date_from": day})
    assert [s.pk for s in response.context["page"].object_list] == [later.pk]


def test_the_filter_keeps_the_chosen_values_and_says_what_is_wrong_on_the_field(org, client_for):
    helpers.slot(org)
    client = client_for(org.member)
    html = client.get("/moeder/besoeg/", {"committee": org.committee.slug}).content.decode()
    assert f'<option value="{org.committee.slug}" selected>' in html
    assert re.search(r'<label\s+for="id_committee" class="form-label">\s*Udvalg\s*</label>', html)

    html = client.get("/moeder/besoeg/", {"committee": "findes-ikke", "kind": "skole"}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_committee_error"' in html
    assert '<div id="id_committee_error" class="invalid-feedback">' in html
    assert "Marker en gyldig valgmulighed" in html
    # The other choice survives the error.
    assert '<option value="skole" selected>' in html


def _varied_free_times(org):
    """Times of every kind the page leaves out or shows differently: blocked, full, a seat
    kept for a proposal, withdrawn, past, on a closed day (opened or not), booked by the
    member, at a workplace with recent meetings, without a centre, of another committee."""
    from meetings.models import Booking, HolidayOpening
    from samspil import daysoff
    from tests import factories

    busy = factories.WorkplaceFactory(name="Travlskolen", committees=[org.committee], centre=org.centre)
    loose = factories.WorkplaceFactory(name="Løsskolen", committees=[org.committee, org.other_committee])
    foreign = factories.WorkplaceFactory(name="Fremmedskolen", committees=[org.other_committee])
    helpers.meeting(org, days=-30, host=busy)
    helpers.meeting(org, days=-60, host=busy)
    helpers.meeting(org, days=-400, host=loose)
    for days in range(3, 40, 3):
        helpers.slot(org, days=days, hour=9, capacity=2)
        helpers.slot(org, days=days, hour=11, workplace=busy)
        helpers.slot(org, days=days + 1, hour=13, workplace=loose, note="Mød op")
        helpers.slot(org, days=days + 2, hour=10, workplace=foreign)
    helpers.slot(org, days=2, hour=15, min_notice_hours=24 * 30)  # closed for booking already
    withdrawn = helpers.slot(org, days=45, workplace=loose)
    VisitSlot.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    helpers.booking(org, member=org.member, days=50, capacity=2)
    helpers.booking(org, member=org.chair, days=51)  # full
    kept = helpers.slot(org, days=52, workplace=busy)
    moved = helpers.booking(org, member=org.member, days=53, workplace=busy)
    Booking.objects.filter(pk=moved.pk).update(status=Booking.Status.PROPOSED, proposed_slot=kept)
    blocked = helpers.slot(org, days=54, workplace=loose)
    day = timezone.localtime(blocked.starts_at).date()
    BlockedPeriod.objects.create(workplace=loose, starts_on=day, ends_on=day, reason="Lejrskole")
    today = timezone.localdate()
    closed = list(daysoff.closed_days(today + dt.timedelta(days=2), today + dt.timedelta(days=400)))[:2]
    for n, day in enumerate(closed):
        for place in (org.workplace, busy):
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(10 + n)))
            VisitSlot.objects.create(workplace=place, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    HolidayOpening.objects.create(workplace=busy, day=closed[0])
    return busy, loose


def test_the_page_of_free_times_is_the_same_from_the_sql_and_from_the_queryset(org):
    """selectors.free_times_page reads PostgreSQL with its own statement and every other
    database with free_visit_times' queryset: the same rows, order and count."""
    from django.db import connection

    from meetings.visits import selectors

    if connection.vendor != "postgresql":
        pytest.skip("the statement is PostgreSQL's; SQLite takes the queryset")
    busy, loose = _varied_free_times(org)
    day = timezone.localdate()
    filters = [
        {},
        {"committee": org.committee.slug},
        {"committee": org.other_committee.slug},
        {"kind": busy.kind.slug},
        {"kind": "findes-ikke"},
        {"centre": org.centre.slug},
        {"workplace": loose.slug},
        {"date_from": day + dt.timedelta(days=10)},
        {"date_to": day + dt.timedelta(days=20)},
        {"date_from": day + dt.timedelta(days=10), "date_to": day + dt.timedelta(days=30), "committee": ""},
    ]
    now = timezone.now()
    compared = 0
    for user in (org.member, org.chair, org.admin, org.other_member, org.nobody):
        for chosen in filters:
            chosen = {name: value for name, value in chosen.items() if value}
            for limit, offset in ((20, 0), (5, 5), (20, 400)):
                sql = selectors._free_times_sql(user, chosen, now, limit, offset)
                orm = selectors._free_times_orm(user, chosen, now, limit, offset)
                assert sql == orm, (user, chosen, limit, offset)
                compared += bool(sql[0])
    assert compared > 40


@pytest.mark.parametrize("number", [None, "1", "2", "3", "99", "0", "-1", "x", "2.5"])
def test_a_page_of_free_times_is_the_paginators_page(org, number):
    from django.core.paginator import Paginator

    from meetings.visits import selectors

    for days in range(3, 30):
        helpers.slot(org, days=days)
    page = selectors.free_times_page(org.member, {}, 10, number)
    expected = Paginator(selectors.free_visit_times(org.member), 10).get_page(number)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert [row.pk for row in page.object_list] == [slot.pk for slot in expected.object_list]
    first, slot = page.object_list[0], expected.object_list[0]
    assert (first.workplace.name, first.workplace.slug, first.workplace.kind.label, first.workplace.centre.name) == (
        slot.workplace.name,
        slot.workplace.slug,
        slot.workplace.kind.label,
        slot.workplace.centre.name,
    )
    assert (first.booked, first.recent_meetings, first.mine, first.may_book) == (
        slot.booked,
        slot.recent_meetings,
        slot.mine,
        slot.may_book,
    )


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_filter_fields_are_what_crispy_writes(org, language):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django.utils import translation

    from meetings.visits.forms import VisitFilterForm

    day = timezone.localdate().isoformat()
    with translation.override(language):
        for data in (
            None,
            {},
            {"committee": org.committee.slug, "date_from": day, "date_to": day},
            {"kind": "skole", "centre": "<b>", "date_to": '9999-12-31"'},
            {"date_from": day, "date_to": "2000-01-01"},
        ):
            form = VisitFilterForm(data, user=org.admin)
            form.is_valid()
            written = form.crispy_fields()
            assert list(written) == ["committee", "kind", "centre", "date_from", "date_to"]
            for name, html in written.items():
                assert html == as_crispy_field(form[name]), (data, name)


def test_the_filter_fields_are_written_once_per_language_choices_and_values_and_follow_new_choices(org):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django.utils import translation

    from meetings.visits import forms as visit_forms
    from tests.factories import CommitteeFactory

    day = timezone.localdate().isoformat()
    visit_forms._FIELDS_HTML.clear()
    for language in ("da", "en"):
        with translation.override(language):
            for data in (None, {"committee": org.committee.slug, "date_from": day}, {"date_to": day}):
                first = visit_forms.VisitFilterForm(data, user=org.admin)
                first.is_valid()
                again = visit_forms.VisitFilterForm(data, user=org.admin)
                again.is_valid()
                assert again.crispy_fields() is first.crispy_fields()
                assert again.crispy_fields() == {name: as_crispy_field(again[name]) for name in again.crispy_fields()}
    assert len(visit_forms._FIELDS_HTML) == 6
    # A form with errors is written anew; a new committee is a new choice, in new markup.
    wrong = visit_forms.VisitFilterForm({"date_from": day, "date_to": "2000-01-01"}, user=org.admin)
    assert not wrong.is_valid()
    assert wrong.crispy_fields()["date_to"] == as_crispy_field(wrong["date_to"])
    assert len(visit_forms._FIELDS_HTML) == 6
    CommitteeFactory(name="Nyt <udvalg>", slug="nyt-udvalg")
    fresh = visit_forms.VisitFilterForm(None, user=org.admin)
    assert "Nyt &lt;udvalg&gt;" in fresh.crispy_fields()["committee"]
