"""The dashboard's figures against an independent computation in plain Python over the
same meetings, read back through the CSV export and the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage import stats
from meetings.models import Meeting, Participant
from organisation.models import COMMITTEE_ROLES, Membership, Role
from tests.coverage.helpers import at, held
from tests.coverage.test_stats import gini_by_definition
from tests.factories import CommitteeFactory, UserFactory, WorkplaceFactory, grant

KINDS = ["dialogue", "committee-at-workplace", "visit", "school-development"]


@pytest.fixture
def municipality(org):
    """A dozen workplaces of org.committee with two years of uneven meetings: held,
    confirmed, planned and cancelled; hosts also listed among the workplaces; politicians,
    staff, a politician who declined, and one whose seat ended."""
    rng = random.Random(11)
    today = timezone.localdate()
    workplaces = [org.workplace] + [
        WorkplaceFactory(name=f"Sted {i:02d}", centre=org.centre, committees=[org.committee]) for i in range(11)
    ]
    politicians = [org.chair, org.member] + [UserFactory() for _ in range(4)]
    for person in politicians[2:]:
        grant(person, Role.COMMITTEE_MEMBER, committee=org.committee, starts_on=today - dt.timedelta(days=900))
    retired = UserFactory(full_name="Tidligere Medlem")
    grant(
        retired,
        Role.COMMITTEE_MEMBER,
        committee=org.other_committee,
        starts_on=today - dt.timedelta(days=900),
        ends_on=today - dt.timedelta(days=100),
    )
    Membership.objects.filter(person__in=[org.chair, org.member]).update(starts_on=today - dt.timedelta(days=900))
    staff = [org.leader, org.employee]
    for index in range(90):
        host = rng.choice(workplaces[:-3])  # the last three never host
        others = rng.sample([w for w in workplaces[:-2] if w != host], rng.choice([0, 0, 0, 1, 2]))
        if rng.random() < 0.1:
            others.append(host)  # a host also listed among the workplaces counts once
        status = rng.choice(["held", "held", "held", "confirmed", "planned", "cancelled"])
        people = rng.sample(politicians, rng.randrange(0, 3))
        meeting = held(
            host=host,
            days_ago=rng.randrange(3, 720),
            kind=rng.choice(KINDS),
            others=others,
            politicians=people,
            committee=org.committee if rng.random() < 0.5 else None,
            status=status,
        )
        if index % 7 == 0:
            Participant.objects.create(meeting=meeting, person=rng.choice(staff), role="staff", response="yes")
        if index % 9 == 0:
            declined = rng.choice([p for p in politicians if p not in people])
            Participant.objects.create(meeting=meeting, person=declined, role="politician", response="no")
        if index % 11 == 0:
            # Came as staff; a politician only while the seat lasted.
            Participant.objects.create(meeting=meeting, person=retired, role="staff", response="yes")
    return workplaces


def independent(workplaces, start: dt.date, end: dt.date, today: dt.date, kinds=None):
    """Every figure, from the meetings one by one."""
    meetings = list(Meeting.objects.select_related("kind", "committee").prefetch_related("workplaces", "participants"))
    seats = list(Membership.objects.filter(role__in=[r.value for r in COMMITTEE_ROLES]).select_related("committee"))
    target = stats.Target(per_year=1, due_soon_months=10)
    reference = min(end, today)
    result = {}
    for workplace in workplaces:
        mine = [
            m
            for m in meetings
            if m.status == "held"
            and (kinds is None or m.kind.slug in kinds)
            and (m.host_id == workplace.pk or workplace in m.workplaces.all())
        ]
        within = [m for m in mine if start <= timezone.localdate(m.starts_at) <= end]
        before_end = [m for m in mine if timezone.localdate(m.starts_at) <= end]
        by_kind = {slug: sum(1 for m in within if m.kind.slug == slug) for slug in KINDS}
        last = max((m.starts_at for m in before_end), default=None)
        people, committees = set(), set()
        for m in within:
            if m.committee:
                committees.add(m.committee.short_name or m.committee.name)
            day = timezone.localdate(m.starts_at)
            for p in m.participants.all():
                if p.response == "no":
                    continue
                seated = [
                    s
                    for s in seats
                    if s.person_id == p.person_id and s.starts_on <= day and (s.ends_on is None or s.ends_on >= day)
                ]
                if p.role == "politician" or seated:
                    people.add(p.person_id)
                for s in seated:
                    committees.add(s.committee.short_name or s.committee.name)
        days_since = (reference - timezone.localdate(last)).days if last else None
        total = sum(by_kind.values())
        result[workplace.name] = {
            "by_kind": by_kind,
            "total": total,
            "last": timezone.localdate(last).isoformat() if last else "",
            "days": "" if days_since is None else str(days_since),
            "politicians": len(people),
            "committees": ", ".join(sorted(committees)),
            "status": target.status(contacts=total, days_since=days_since, period_days=(reference - start).days + 1),
        }
    return result


def exported(client, **params) -> dict[str, dict]:
    response = client.get(reverse("coverage:export", args=["csv"]), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    fixed = ("Workplace", "Status", "Days since", "Last contact", "Contacts")
    fixed_end = ("Politicians met", "Challenges told", "Committees met", "Kind", "Centre")
    assert tuple(header[:5]) == fixed and tuple(header[-5:]) == fixed_end, header
    kinds = header[5:-5]
    result = {}
    for line in body:
        cells = dict(zip(header, line, strict=True))
        counts = {kind: int(cells[kind]) for kind in kinds}
        total, last, days = cells["Contacts"], cells["Last contact"], cells["Days since"]
        politicians, committees, status = cells["Politicians met"], cells["Committees met"], cells["Status"]
        result[line[0]] = {
            "counts": counts,
            "total": int(total),
            "last": last,
            "days": days,
            "politicians": int(politicians),
            "committees": committees,
            "status": status,
        }
    return result


STATUS_TEXT = {stats.MET: "met", stats.DUE_SOON: "due soon", stats.MISSED: "missed"}
KIND_NAMES = {
    "dialogue": "Dialogue meeting",
    "committee-at-workplace": "Committee meeting at a workplace",
    "visit": "Workplace visit",
    "school-development": "School development conversation",
}


def assert_same(shown, expected):
    assert set(shown) == set(expected)
    for name, figures in expected.items():
        row = shown[name]
        for slug, count in figures["by_kind"].items():
            if KIND_NAMES[slug] in row["counts"]:
                assert row["counts"][KIND_NAMES[slug]] == count, (name, slug)
        assert row["total"] == figures["total"], name
        assert row["last"] == figures["last"], name
        assert row["days"] == figures["days"], name
        assert row["politicians"] == figures["politicians"], name
        assert row["committees"] == figures["committees"], name
        assert row["status"] == STATUS_TEXT[figures["status"]], name


def test_the_last_twelve_months_match_an_independent_count(municipality, client_for, org):
    today = timezone.localdate()
    start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
    expected = independent([*municipality, org.other_workplace], start, today, today)
    shown = exported(client_for(org.admin))
    assert_same(shown, expected)
    # The fixture exercises every status and some workplaces without contact.
    assert {figures["status"] for figures in expected.values()} >= {stats.MET, stats.MISSED}
    assert any(figures["total"] == 0 for figures in expected.values())


def test_chosen_dates_and_one_meeting_kind_match_an_independent_count(municipality, client_for, org):
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=600), today - dt.timedelta(days=200)
    expected = independent([*municipality, org.other_workplace], start, end, today, kinds={"visit"})
    shown = exported(
        client_for(org.admin),
        period="custom",
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        meeting_kind="visit",
    )
    assert_same(shown, expected)
    assert all(list(row["counts"]) == ["Workplace visit"] for row in shown.values())


def test_the_summary_shows_the_share_without_contact_and_the_gini_coefficient(municipality, client_for, org):
    today = timezone.localdate()
    start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
    expected = independent([*municipality, org.other_workplace], start, today, today)
    totals = [figures["total"] for figures in expected.values()]
    page = client_for(org.admin).get(reverse("coverage:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    share = round(100 * sum(1 for t in totals if t == 0) / len(totals))
    assert f'id="stat-without">{share} %<' in html
    gini = gini_by_definition(totals)
    assert f'id="stat-gini">Gini coefficient {gini:.2f} (' in html
    # The headline says it in plain words; the figure stays beside it, explained.
    verdict = "Evenly spread" if gini < 0.3 else "Unevenly spread" if gini < 0.5 else "Very unevenly spread"
    assert f'id="stat-spread">{verdict}<' in html
    assert f'id="stat-contacts">{sum(totals)}<' in html
    report = page.context["report"]
    assert [row.name for row in report.most_visited] == [
        name for name, _t in sorted(((n, f["total"]) for n, f in expected.items()), key=lambda x: (-x[1], x[0]))[:3]
    ]
    # Quarter by quarter: the quarters' contacts add up to the period's.
    assert sum(q.contacts for q in report.quarter_summaries) == sum(totals)


def test_a_meeting_held_in_the_past_but_not_marked_held_does_not_count(org, client_for):
    held(host=org.workplace, days_ago=20, status="confirmed", politicians=[org.member])
    shown = exported(client_for(org.admin))
    assert shown["Egeskovskolen"]["total"] == 0
    assert shown["Egeskovskolen"]["status"] == "missed"
    held(host=org.workplace, days_ago=20, politicians=[org.member])
    shown = exported(client_for(org.admin))
    assert shown["Egeskovskolen"]["total"] == 1
    assert shown["Egeskovskolen"]["politicians"] == 1
    assert shown["Egeskovskolen"]["status"] == "met"


def test_a_workplace_taking_part_counts_the_meeting_as_well_as_its_host(org, client_for):
    held(host=org.other_workplace, days_ago=40, kind="dialogue", others=[org.workplace], committee=org.committee)
    shown = exported(client_for(org.admin))
    assert shown["Egeskovskolen"]["total"] == 1
    assert shown["Vej og Park"]["total"] == 1
    assert shown["Egeskovskolen"]["committees"] == org.committee.name


def test_an_old_last_contact_is_due_soon(org, client_for):
    held(host=org.workplace, days_ago=330)
    assert exported(client_for(org.admin))["Egeskovskolen"]["status"] == "due soon"


def test_an_electoral_term_is_a_period(org, client_for):
    from organisation.models import ElectoralTerm

    today = timezone.localdate()
    term = ElectoralTerm.objects.create(
        name="Nu", starts_on=today - dt.timedelta(days=800), ends_on=today + dt.timedelta(days=500)
    )
    held(host=org.workplace, days_ago=700)
    held(host=org.workplace, days_ago=30)
    shown = exported(client_for(org.admin), period=f"term-{term.pk}")
    assert shown["Egeskovskolen"]["total"] == 2
    # Two years of the term have passed: two contacts needed, two held.
    assert shown["Egeskovskolen"]["status"] == "met"
    default = exported(client_for(org.admin))
    assert default["Egeskovskolen"]["total"] == 1


def test_committees_met_include_the_committee_of_a_visiting_politician(org, client_for):
    other = CommitteeFactory(name="Økonomiudvalget", short_name="ØU", slug="okonomi")
    guest = UserFactory()
    grant(guest, Role.COMMITTEE_MEMBER, committee=other, starts_on=timezone.localdate() - dt.timedelta(days=400))
    held(host=org.workplace, days_ago=10, politicians=[guest])
    assert exported(client_for(org.admin))["Egeskovskolen"]["committees"] == "ØU"


def test_at_time_helper_is_local():
    assert timezone.localtime(at(1)).hour == 10
