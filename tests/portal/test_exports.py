"""Formula injection: no cell of any spreadsheet export starts with = + - @ tab or CR.

Every text column of the coverage CSV and XLSX and of the code-of-conduct register CSV is
filled with formula-looking text (workplace, kind, centre, committee, person, email). The
personal data download is JSON, not a spreadsheet, and is not checked here.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organisation.models import Role, WorkplaceKind
from tests.codex.helpers import publish_version, sign
from tests.factories import CentreFactory, CommitteeFactory, UserFactory, WorkplaceFactory, grant

pytestmark = pytest.mark.django_db

PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def assert_no_formula(cells, where: str) -> None:
    for cell in cells:
        if isinstance(cell, str) and cell:
            assert not cell.startswith(PREFIXES), f"{where}: {cell!r}"


@pytest.fixture
def formula_names(org):
    centre = CentreFactory(name="@SUM(A1:A9)", slug="formel-center")
    committee = CommitteeFactory(name="-2+3", slug="formel-udvalg")
    kind = WorkplaceKind.objects.create(slug="formel", name="+1", name_en="+1")
    workplace = WorkplaceFactory(
        name='=HYPERLINK("http://x.example","klik")', slug="formel", centre=centre, kind=kind, committees=[committee]
    )
    version = publish_version(org.admin)
    person = grant(
        UserFactory(full_name="\t=cmd|' /C calc'!A0", email="=x@evil.example"),
        Role.WORKPLACE_LEADER,
        workplace=workplace,
    ).person
    sign(person, version)
    grant(UserFactory(full_name="\r@SUM(1)"), Role.EMPLOYEE, workplace=workplace)
    return workplace


def test_the_coverage_exports_escape_every_formula_prefix_in_every_column(org, client_for, formula_names):
    client = client_for(org.admin)
    response = client.get(reverse("coverage:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert any(row[0] == '\'=HYPERLINK("http://x.example","klik")' for row in rows)
    for row in rows:
        assert_no_formula(row, "coverage csv")
    sheet = load_workbook(io.BytesIO(client.get(reverse("coverage:export", args=["xlsx"])).content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            assert_no_formula([cell.value], f"coverage xlsx {cell.coordinate}")


def test_the_register_csv_escapes_names_emails_and_units(org, client_for, formula_names):
    response = client_for(org.admin).get(reverse("codex:register_csv"), {"workplace": formula_names.slug})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(rows) >= 3
    for row in rows:
        assert_no_formula(row, "register csv")
    assert any(row[1] == "'=x@evil.example" for row in rows)
