"""The dashboard through the test client: scope, filters, sorting, exports, queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coverage.views import safe_cell
from organisation.models import Role
from tests.coverage.helpers import held
from tests.factories import CentreFactory, UserFactory, WorkplaceFactory, grant


def names_in_csv(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    return [row[0] for row in rows[1:]]


def test_a_centre_head_sees_only_the_workplaces_of_their_centre(org, client_for):
    response = client_for(org.centre_head).get(reverse("coverage:export", args=["csv"]))
    assert names_in_csv(response) == ["Egeskovskolen"]


def test_a_chair_sees_only_the_workplaces_of_their_committee(org, client_for):
    WorkplaceFactory(name="Anden skole", committees=[org.other_committee])
    response = client_for(org.chair).get(reverse("coverage:export", args=["csv"]))
    assert names_in_csv(response) == ["Egeskovskolen"]
    # Another committee in the filter is not a choice: the form says so and nothing leaks.
    page = client_for(org.chair).get(reverse("coverage:dashboard"), {"committee": org.other_committee.slug})
    assert page.status_code == 200
    assert page.context["form"].errors["committee"]
    assert [row.name for row in page.context["report"].rows] == ["Egeskovskolen"]


def test_the_leadership_sees_every_active_workplace(org, client_for):
    WorkplaceFactory(name="Lukket sted", is_active=False)
    for person in (org.admin, org.director):
        response = client_for(person).get(reverse("coverage:export", args=["csv"]))
        assert sorted(names_in_csv(response)) == ["Egeskovskolen", "Vej og Park"]


def test_filters_narrow_the_workplaces_by_committee_centre_and_kind(org, client_for):
    from organisation.models import WorkplaceKind

    daycare = WorkplaceKind.objects.get_or_create(slug="dagtilbud", defaults={"name": "Dagtilbud"})[0]
    centre = CentreFactory(name="Center for Dagtilbud", slug="dagtilbud")
    WorkplaceFactory(name="Solsikken", kind=daycare, centre=centre, committees=[org.committee])
    client = client_for(org.admin)
    url = reverse("coverage:export", args=["csv"])
    assert sorted(names_in_csv(client.get(url, {"committee": org.committee.slug}))) == ["Egeskovskolen", "Solsikken"]
    assert names_in_csv(client.get(url, {"centre": "dagtilbud"})) == ["Solsikken"]
    assert names_in_csv(client.get(url, {"workplace_kind": "skole", "committee": org.committee.slug})) == [
        "Egeskovskolen"
    ]


def test_every_column_sorts_and_an_unknown_sort_falls_back_to_status(org, client_for):
    for i in range(3):
        WorkplaceFactory(name=f"Sted {i}", committees=[org.committee])
    held(host=org.workplace, days_ago=5)
    held(host=org.workplace, days_ago=50)
    client = client_for(org.admin)
    url = reverse("coverage:export", args=["csv"])
    assert names_in_csv(client.get(url, {"sort": "-total"}))[0] == "Egeskovskolen"
    assert names_in_csv(client.get(url, {"sort": "-kind-visit"}))[0] == "Egeskovskolen"
    assert names_in_csv(client.get(url, {"sort": "name"})) == sorted(names_in_csv(client.get(url, {"sort": "name"})))
    # Status: missed first; the met workplace last.
    assert names_in_csv(client.get(url, {"sort": "pk; DROP TABLE x"}))[-1] == "Egeskovskolen"
    page = client.get(reverse("coverage:dashboard"), {"sort": "-days"})
    for header in page.context["headers"]:
        assert client.get(reverse("coverage:dashboard") + header["url"]).status_code == 200


def test_bad_dates_get_a_message_on_the_field_and_keep_what_was_typed(org, client_for):
    page = client_for(org.admin).get(
        reverse("coverage:dashboard"),
        {"period": "custom", "date_from": "2026-05-01", "date_to": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert page.status_code == 200
    assert page.context["form"].errors["date_to"] == ["Den sidste dag skal være samme dag som eller efter den første."]
    assert 'value="2026-05-01"' in page.content.decode()


def test_a_workplace_name_that_looks_like_a_formula_is_escaped_in_both_exports(org, client_for):
    WorkplaceFactory(name='=HYPERLINK("http://x.example","klik")', committees=[org.committee])
    client = client_for(org.admin)
    csv_names = names_in_csv(client.get(reverse("coverage:export", args=["csv"]), {"sort": "name"}))
    assert csv_names[0] == '\'=HYPERLINK("http://x.example","klik")'
    response = client.get(reverse("coverage:export", args=["xlsx"]), {"sort": "name"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value.startswith("'=")
    assert sheet["A2"].data_type == "s"
    for prefix in "=+-@":
        assert safe_cell(prefix + "1") == "'" + prefix + "1"
    assert safe_cell(-3) == -3


def test_the_xlsx_export_holds_exactly_the_rows_and_columns_of_the_csv(org, client_for):
    held(host=org.workplace, days_ago=5, politicians=[org.member])
    client = client_for(org.admin)
    text = client.get(reverse("coverage:export", args=["csv"])).content.decode().lstrip("\ufeff")
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = load_workbook(io.BytesIO(client.get(reverse("coverage:export", args=["xlsx"])).content)).active
    xlsx_rows = [["" if v is None else str(v).removesuffix(" 00:00:00") for v in row] for row in sheet.values]
    assert xlsx_rows == csv_rows


def test_an_unknown_export_format_is_not_found(org, client_for):
    assert client_for(org.admin).get(reverse("coverage:export", args=["pdf"])).status_code == 404


def test_the_empty_state_says_what_to_do(org, client_for):
    page = client_for(org.admin).get(reverse("coverage:dashboard"), {"centre": "skoler", "workplace_kind": "nothing"})
    assert page.status_code == 200
    page = client_for(org.admin).get(reverse("coverage:dashboard"), {"centre": "teknik", "committee": "born-og-unge"})
    assert (
        "No workplaces match these filters." in page.content.decode() or "Ingen virksomheder" in page.content.decode()
    )


def test_the_menu_shows_coverage_to_leadership_centre_heads_and_chairs_only(org, client_for):
    url = reverse("coverage:dashboard")
    for role in ("admin", "director", "centre_head", "chair"):
        assert f'href="{url}"' in client_for(org.roles[role]).get(reverse("portal:home")).content.decode(), role
    for role in ("member", "leader", "employee", "nobody"):
        assert f'href="{url}"' not in client_for(org.roles[role]).get(reverse("portal:home")).content.decode(), role


def test_an_administrator_without_two_factor_opens_the_dashboard(org, client):
    from tests.factories import PASSWORD

    assert client.login(email=org.admin.email, password=PASSWORD)
    assert client.get(reverse("coverage:dashboard")).status_code == 200


# --- Queries -------------------------------------------------------------------------------


def build(org, size: int):
    """`size` workplaces of the committee, each with meetings of several kinds and politicians."""
    member = UserFactory()
    grant(member, Role.COMMITTEE_MEMBER, committee=org.committee)
    for i in range(size):
        place = WorkplaceFactory(committees=[org.committee], centre=org.centre)
        held(host=place, days_ago=10 + i, politicians=[member, org.chair], committee=org.committee, kind="dialogue")
        held(host=place, days_ago=200 + i, others=[org.workplace], politicians=[member])


def dashboard_queries(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("coverage:dashboard"), params)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("size", [2, 25])
def test_the_dashboard_runs_a_fixed_number_of_queries(org, client_for, size, django_assert_num_queries, settings):
    # Sessions in the database, so a shared cache (Redis, used by other test runs too)
    # cannot change the count.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    build(org, size)
    client = client_for(org.admin)
    client.get(reverse("coverage:dashboard"))  # warm the session
    # 1 the session, 2 the user with their roles (the dashboard's rule asked directly, without
    # Django's model permissions), 3 the data version. Not cached yet, the filters'
    # lists: 4 electoral terms, 5 committees, 6 centres, 7 workplace kinds, 8 meeting
    # kinds; the report: 9 workplaces in scope, 10 contacts per kind and last contact,
    # 11 politicians met, 12 committees met, 13 the workplace × quarter matrix, 14 held
    # meetings per month, 15 challenges told per workplace.
    params = {"committee": org.committee.slug, "sort": "-total"}
    with django_assert_num_queries(15):
        response = client.get(reverse("coverage:dashboard"), params)
    assert len(response.context["report"].rows) == size + 1
    # The same page again: from the cache, after the version.
    with django_assert_num_queries(3):
        again = client.get(reverse("coverage:dashboard"), params)
    assert again.context["body"] == response.context["body"]  # (the CSP nonce around it differs)
    # The same report, another sort and page: the filters' lists, the report from the cache.
    with django_assert_num_queries(8):
        cached = client.get(reverse("coverage:dashboard"), {**params, "sort": "name", "page": "2"})
    assert cached.content.decode().count("data-workplace=") == size + 1
    # The exports share the report with the same filters (the first request's). 1–2 as
    # above, 3 the terms, 4 committees, 5 centres, 6 workplace kinds, 7 meeting kinds,
    # 8 the data version.
    with django_assert_num_queries(8):
        client.get(reverse("coverage:export", args=["xlsx"]))
    with django_assert_num_queries(8):
        client.get(reverse("coverage:export", args=["csv"]), params)
    # The rotation plan: 1 session, 2 user with their roles, 3 the committee,
    # 4 workplaces, 5 meeting kinds, 6–11 the report's six aggregates,
    # 12 the meetings already planned per workplace.
    with django_assert_num_queries(12):
        client.get(reverse("coverage:plan", args=[org.committee.slug]))


def test_the_scope_selector_and_the_workplace_rule_agree_for_every_role(org):
    from coverage.selectors import workplaces_in_scope
    from organisation.models import Workplace

    WorkplaceFactory(name="Tredje sted", centre=org.centre, committees=[org.other_committee])
    everything = list(Workplace.objects.filter(is_active=True))
    for role, person in org.roles.items():
        if person is None:
            continue
        listed = set(workplaces_in_scope(person))
        allowed = {w for w in everything if person.has_perm("coverage.view_workplace_coverage", w)}
        assert listed == allowed, role


def test_the_monthly_picture_marks_an_election_in_the_period_and_has_a_table(org, client_for):
    import datetime as dt

    from django.utils import timezone

    from organisation.models import ElectoralTerm

    election = timezone.localdate() - dt.timedelta(days=90)
    ElectoralTerm.objects.create(
        name="Ny periode",
        starts_on=election + dt.timedelta(days=40),
        ends_on=election + dt.timedelta(days=1500),
        election_date=election,
    )
    held(host=org.workplace, days_ago=95)
    held(host=org.workplace, days_ago=92, others=[org.other_workplace])
    page = client_for(org.admin).get(reverse("coverage:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    chart = page.context["chart"]
    assert [marker["date"] for marker in chart["markers"]] == [election]
    assert sum(bar.count for bar in chart["bars"]) == 2  # two meetings, one of them with two workplaces
    html = page.content.decode()
    assert 'stroke="#b02a37"' in html and "Election" in html
    assert "<summary>The figures as a table</summary>" in html
    # The heat map of the page's rows: each square shows its number.
    heat = page.context["heat"]
    assert {row.name: sum(cell.count for cell in row.cells) for row in heat["rows"]} == {
        "Egeskovskolen": 2,
        "Vej og Park": 1,
    }
