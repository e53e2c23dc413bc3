"""The hearing figures read the figure table (cases.models.HearingFigure), which triggers
keep in the same transaction as the change: each test changes the data the way the app
(or a bulk update) does and sees the figures move at once, and the figures always equal
the same figures counted in Python from the hearings, cases and meetings themselves."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.models import Case, Hearing, HearingFigure
from meetings.models import Meeting
from organisation.models import Workplace
from tests.factories import WorkplaceFactory

from .helpers import ANSWER, committee_meeting, make_case

pytestmark = pytest.mark.django_db
START, END = dt.date.today() - dt.timedelta(days=100), dt.date.today() + dt.timedelta(days=100)
PERIOD = {"period": "custom", "date_from": START.isoformat(), "date_to": END.isoformat()}


def _counted_in_python(scope, start, end) -> dict:
    """The figures' definition, counted from the hearings, cases and meetings themselves
    (what cases.selectors.hearing_figures computed before the figure table)."""
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    hearings = (
        Hearing.objects.filter(
            workplace__in=scope, case__meeting__starts_at__gte=first, case__meeting__starts_at__lt=after
        )
        .exclude(case__status=Case.Status.DRAFT)
        .select_related("case__committee", "workplace")
    )
    tables: dict[str, dict] = {"workplaces": {}, "committees": {}}
    for h in hearings:
        case = h.case
        for table, key, name in (
            ("workplaces", h.workplace_id, h.workplace.name),
            ("committees", case.committee_id, case.committee.name),
        ):
            row = tables[table].setdefault(
                key, {"name": name, "cases": set(), "treated": 0, "heard": 0, "over": set(), "days": [], "spoke": 0}
            )
            row["cases"].add(case.pk)
            if case.status in ("treated", "decided"):
                row["treated"] += 1
                if h.submitted_at and (case.treated_at is None or h.submitted_at <= case.treated_at):
                    row["heard"] += 1
            if case.override_at and (h.submitted_at is None or h.submitted_at > case.override_at):
                row["over"].add(case.pk)
            if h.submitted_at:
                row["days"].append((h.submitted_at - h.opened_at).total_seconds() / 86400)
            row["spoke"] += h.speaking == "accepted"
    return {
        table: sorted(
            (
                r["name"],
                len(r["cases"]),
                r["treated"],
                r["heard"],
                len(r["over"]),
                round(statistics.median(r["days"]), 6) if r["days"] else None,
                r["spoke"],
            )
            for r in rows.values()
        )
        for table, rows in tables.items()
    }


def _figures(start=START, end=END) -> dict:
    figures = selectors.hearing_figures(scope=Workplace.objects.all(), start=start, end=end)

    def row(r):
        median = None if r.median_days is None else round(r.median_days, 6)
        return (r.name, r.cases, r.treated, r.heard_before, r.overrides, median, r.spoke)

    return {
        "workplaces": [row(r) for r in figures["workplaces"]],
        "committees": [row(r) for r in figures["committees"]],
    }


def _check(start=START, end=END) -> dict:
    figures = _figures(start, end)
    assert {k: sorted(v) for k, v in figures.items()} == _counted_in_python(Workplace.objects.all(), start, end)
    return figures


def test_the_figures_follow_every_change_at_once(org):
    places = [org.workplace, *(WorkplaceFactory(centre=org.centre, committees=[org.committee]) for _ in range(3))]
    meeting = committee_meeting(org, days=20)
    draft = make_case(org, Case.Status.DRAFT, meeting=meeting, workplaces=places)
    assert _check()["workplaces"] == []  # a draft is not counted
    services.case_open_hearing(case=draft, by=org.admin)
    figures = _check()
    assert [row[1] for row in figures["workplaces"]] == [1, 1, 1, 1]  # one case each

    hearings = list(Hearing.objects.filter(case=draft).order_by("pk"))
    services.hearing_submit(hearing=hearings[0], answer=ANSWER, version=hearings[0].version, by=org.leader)
    services.hearing_no_comments(hearing=hearings[1], by=org.leader)
    assert _check()["committees"][0][5] is not None  # days to answer now
    case = services.case_override(case=Case.objects.get(pk=draft.pk), by=org.admin, reason="Hastesag")
    assert _check()["committees"][0][4] == 1  # an override
    case = services.case_mark_treated(case=case, by=org.admin)
    services.case_decide(case=case, by=org.admin, decision_text="Godkendt.")
    figures = _check()
    assert figures["committees"][0][2:4] == (4, 2)  # four hearings of a treated case, two heard before

    # A hearing's speaking decided by a queryset update, as the service does.
    Hearing.objects.filter(pk=hearings[0].pk).update(speaking=Hearing.Speaking.ACCEPTED)
    assert _check()["committees"][0][6] == 1

    # An autosaved draft answer changes nothing the figures read: the row stays as it was.
    before = list(HearingFigure.objects.values_list("hearing_id", "days", "spoke").order_by("hearing_id"))
    Hearing.objects.filter(pk=hearings[2].pk).update(answer="Et udkast", version=5)
    assert list(HearingFigure.objects.values_list("hearing_id", "days", "spoke").order_by("hearing_id")) == before


def test_a_meeting_moved_out_of_the_period_takes_its_cases_along(org):
    meeting = committee_meeting(org, days=20)
    make_case(org, meeting=meeting)
    assert len(_check()["workplaces"]) == 1
    # Moved by a queryset update (no save(), no signal): the trigger still follows it.
    later = meeting.starts_at + dt.timedelta(days=200)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=later, ends_at=later + dt.timedelta(hours=2))
    assert _check()["workplaces"] == []
    assert len(_check(START, END + dt.timedelta(days=200))["workplaces"]) == 1


def test_a_case_moved_to_another_meeting_or_deleted_leaves_no_row(org):
    case = make_case(org, meeting=committee_meeting(org, days=20))
    far = committee_meeting(org, days=300)
    Case.objects.filter(pk=case.pk).update(meeting=far)
    assert _check()["workplaces"] == []
    Case.objects.filter(pk=case.pk).update(meeting=committee_meeting(org, days=10))
    assert len(_check()["workplaces"]) == 1
    Case.objects.get(pk=case.pk).delete()
    assert not HearingFigure.objects.exists()
    assert _check()["workplaces"] == []


def test_the_workplaces_are_paged_in_name_order(org, client_for):
    places = [WorkplaceFactory(centre=org.centre, committees=[org.committee], name=f"Skole {i:02}") for i in range(7)]
    meeting = committee_meeting(org, days=20)
    make_case(org, meeting=meeting, workplaces=[org.workplace, *places])
    names = [row[0] for row in _check()["workplaces"]]
    assert names == sorted(names) and len(names) == 8
    figures = selectors.hearing_figures(scope=Workplace.objects.all(), start=START, end=END, page_size=3, page=2)
    page = Paginator(figures["workplaces"], 3).get_page(2)
    assert [row.name for row in page.object_list] == names[3:6]
    assert page.paginator.num_pages == 3
    # A page past the end shows the last one, as any paginated list.
    figures = selectors.hearing_figures(scope=Workplace.objects.all(), start=START, end=END, page_size=3, page=9)
    assert [row.name for row in Paginator(figures["workplaces"], 3).get_page(9).object_list] == names[6:]
    response = client_for(org.admin).get(reverse("cases:figures"), PERIOD)
    assert response.status_code == 200
    assert [row.name for row in response.context["page"].object_list] == names
    export = client_for(org.admin).get(reverse("cases:figures_export"), PERIOD).content.decode()
    assert all(name in export for name in names)


def test_the_median_is_written_as_floatformat_writes_it():
    import random

    from django.template.defaultfilters import floatformat
    from django.utils import translation

    values = [0.0, 0.05, 0.15, 0.25, 1.45, 2.5, 2.25, 9.95, 10.05, 12.349999, 1 / 3, 2 / 3, 1e-9, 123.45, 999.95]
    rng = random.Random(19)
    values += [rng.uniform(0, 60) for _ in range(2000)] + [round(rng.uniform(0, 60), 2) for _ in range(2000)]
    for language in ("da", "en"):
        with translation.override(language):
            for value in values:
                assert selectors.one_decimal(value) == floatformat(value, 1), value


def test_rows_written_out_of_order_are_counted(org):
    """A fixture may write a hearing before its case and a case before its meeting (the
    foreign keys are checked at commit): the case's and the meeting's insert write the rows."""
    import uuid

    meeting = committee_meeting(org, days=20)
    case = make_case(org, meeting=meeting)
    meeting_pk = Meeting.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
    case_pk = Case.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
    hearing = Hearing.objects.get(case=case)
    hearing.pk, hearing.case_id = None, case_pk
    hearing.save()  # its case is not there yet
    copy = Case.objects.get(pk=case.pk)
    copy.pk, copy.meeting_id, copy.agenda_item_id = case_pk, meeting_pk, None
    copy.save(force_insert=True)  # its meeting is not there yet
    moved = Meeting.objects.get(pk=meeting.pk)
    moved.pk, moved.uid = meeting_pk, uuid.uuid4()
    moved.save(force_insert=True)
    assert HearingFigure.objects.filter(case_id=case_pk).count() == 1
    assert _check()["committees"][0][1] == 2


def test_the_page_follows_a_change_at_once_through_its_cache(org, client_for):
    """The page's figures and filter lists are cached under the data version
    (cases/freshness.py), which the figure table's writes (made by its own triggers) and the
    filters' tables bump: an answer, a new committee show on the next request."""
    from organisation.models import Committee

    meeting = committee_meeting(org, days=20)
    case = make_case(org, meeting=meeting, workplaces=[org.workplace])
    client = client_for(org.admin)

    def shown():
        response = client.get(reverse("cases:figures"), PERIOD)
        row = response.context["figures"]["committees"][0]
        # The rendered tables and filters are cached beside the figures: the page's HTML too.
        html = response.content.decode()
        cell = f'<td class="text-end">{row.median_days_text}</td>' if row.median_days_text else None
        assert cell is None or cell in html
        return row.median_days, [c for c, _label in response.context["form"].fields["committee"].choices], html

    first = shown()
    assert first[:2] == shown()[:2] and first[0] is None
    hearing = case.hearings.get()
    services.hearing_submit(hearing=hearing, answer=ANSWER, version=hearing.version, by=org.leader)
    assert shown()[0] is not None
    committee = Committee.objects.create(name="Nyt udvalg", slug="nyt-udvalg")
    choices, html = shown()[1:]
    assert "nyt-udvalg" in choices or committee.pk in choices
    assert "Nyt udvalg" in html and "Nyt udvalg" not in first[2]


def test_the_filter_lists_read_in_one_query_are_the_models_lists():
    from cases.figures import read_choices
    from meetings.models import MeetingKind
    from organisation.models import Centre, Committee, ElectoralTerm, WorkplaceKind
    from tests.factories import CentreFactory

    ElectoralTerm.objects.create(name="2030–2033", starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2033, 12, 31))
    Committee.objects.create(name="Ældreudvalget", slug="aeldre", is_active=False)
    CentreFactory()
    lists = read_choices()
    expected = {
        "terms": list(ElectoralTerm.objects.all()),
        "committees": list(Committee.objects.filter(is_active=True)),
        "centres": list(Centre.objects.all()),
        "workplace_kinds": list(WorkplaceKind.objects.all()),
        "meeting_kinds": list(MeetingKind.objects.all()),
    }
    for name, instances in expected.items():
        assert [vars_of(i) for i in lists[name]] == [vars_of(i) for i in instances], name


def vars_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
