"""Issue 14, points 5 and 6: an administrator's import as a hostile insider would use it.

5. A tiny XLSX whose sheet declares the whole grid (`A1:XFD1048576`) made read-only
   openpyxl pad every row to 16,384 cells (1.3 GB for 10,000 rows). It is refused at
   once, and reading it stays under 200 MB, measured in a child process
   (bench/import_memory.py, the same child the README figures come from).
6. Imports left no trail: every row an import writes is in the audit trail, naming the
   person who uploaded the file and the import (`import:<job id>`).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from bench.import_memory import honest_xlsx, hostile_xlsx, measure
from organisation.models import Committee, ImportJob, Membership, Role, Workplace
from tests.organisation.test_import import _enrol_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(org, client_for, django_capture_on_commit_callbacks):
    """upload(kind, name, data) → the finished ImportJob, run through the import page."""
    _enrol_mfa(org.admin)
    admin = client_for(org.admin)

    def run(kind: str, name: str, data: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                reverse("organisation:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
            )
        assert response.status_code == 302, response.content[:500]
        page = admin.get(response["Location"])
        assert page.status_code == 200
        job = page.context["job"]
        job.refresh_from_db()
        job.page = page.content.decode()
        return job

    return run


def _with_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through change(bytes) -> bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


# --- 5. The spreadsheet that ate the worker ------------------------------------------------


def test_a_sheet_declaring_the_whole_grid_is_refused_at_once_through_the_import_page(upload):
    data = hostile_xlsx(rows=10_000)
    assert len(data) < 200 * 1024
    before = Workplace.objects.count()
    started = time.monotonic()
    job = upload("workplaces", "virksomheder.xlsx", data)
    assert time.monotonic() - started < 5
    assert job.status == ImportJob.Status.FAILED
    message = job.errors[0]["message"]
    # The problem by name: how wide the sheet claims to be against its header.
    assert "XFD" in message and "2" in message
    assert Workplace.objects.count() == before


def test_reading_the_hostile_sheet_stays_under_200_mb_in_a_child_process(tmp_path):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(hostile_xlsx(rows=10_000))
    result = measure(path)
    assert "refused" in result, result
    assert "XFD" in result["refused"]
    assert result["peak_mb"] < 200, result
    assert result["seconds"] < 2, result


def test_honest_rows_are_read_in_full_under_the_same_bound(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(honest_xlsx(20_000))
    result = measure(path)
    assert result.get("rows") == 20_000, result
    assert result["peak_mb"] < 200, result


def test_a_value_far_right_of_the_header_is_refused_with_its_line(upload):
    honest = hostile_xlsx(rows=3, dimension="A1:B4")
    data = _with_sheet(
        honest, lambda xml: re.sub(rb"</row>(?!.*</row>)", b'<c r="XFD4"><v>7</v></c></row>', xml, flags=re.S)
    )
    job = upload("workplaces", "w.xlsx", data)
    assert job.status == ImportJob.Status.FAILED
    message = job.errors[0]["message"]
    assert "4" in message and "16384" in message.replace(".", "").replace(",", "")


def test_a_row_of_a_million_empty_cells_is_refused_without_holding_them(tmp_path):
    honest = hostile_xlsx(rows=3, dimension="A1:B4")
    data = _with_sheet(
        honest, lambda xml: xml.replace(b"</row></sheetData>", b"<c/>" * 1_000_000 + b"</row></sheetData>")
    )
    path = tmp_path / "wide.xlsx"
    path.write_bytes(data)
    result = measure(path)
    assert "refused" in result, result
    assert "C" in result["refused"]
    assert result["peak_mb"] < 200, result
    assert result["seconds"] < 2, result


def test_dates_and_numbers_in_an_honest_sheet_still_read_as_before(org):
    from openpyxl import Workbook

    from organisation.importer import read_rows

    book = Workbook()
    book.active.append(["email", "fulde navn", "rolle", "virksomhed", "start"])
    import datetime as dt

    book.active.append(["a@example.org", "A", "medarbejder", "Egeskovskolen", dt.datetime(2026, 1, 31)])
    book.active.append([None, None, None, None, None])
    book.active.append(["b@example.org", "B", "medarbejder", 4200, None])
    out = io.BytesIO()
    book.save(out)
    rows = read_rows(out.getvalue(), "p.xlsx")
    assert rows == [
        (
            2,
            {
                "email": "a@example.org",
                "full_name": "A",
                "role": "medarbejder",
                "workplace": "Egeskovskolen",
                "starts_on": "2026-01-31",
            },
        ),
        (4, {"email": "b@example.org", "full_name": "B", "role": "medarbejder", "workplace": "4200", "starts_on": ""}),
    ]


# --- 6. Imports leave a trail -----------------------------------------------------------


def _entries(job: ImportJob, model) -> dict[str, AuditEntry]:
    return {
        entry.object_id: entry
        for entry in AuditEntry.objects.filter(
            source=f"import:{job.pk}", content_type=ContentType.objects.get_for_model(model)
        )
    }


def test_every_change_an_import_makes_is_in_the_audit_trail_with_the_uploader_and_the_import(org, upload):
    committees = upload("committees", "udvalg.csv", b"navn;kortnavn\nKulturudvalget;KU\n")
    assert committees.status == ImportJob.Status.DONE, committees.errors
    culture = Committee.objects.get(name="Kulturudvalget")
    assert _entries(committees, Committee)[str(culture.pk)].action == AuditEntry.Action.CREATE

    school = Workplace.objects.get(slug="egeskovskolen")
    old_address = school.address
    workplaces = upload(
        "workplaces",
        "virksomheder.csv",
        b"navn;type;id;udvalg;adresse\nEgeskovskolen;skole;egeskovskolen;KU;Egeskovvej 1\nNyskolen;skole;nyskolen;;\n",
    )
    assert workplaces.status == ImportJob.Status.DONE, workplaces.errors
    new_school = Workplace.objects.get(slug="nyskolen")
    trail = AuditEntry.objects.filter(source=f"import:{workplaces.pk}", object_id=str(school.pk))
    changes = {}
    for entry in trail:
        changes.update(entry.changes)
    assert changes["address"] == [old_address, "Egeskovvej 1"]
    assert changes["committees"] == [[org.committee.pk], [culture.pk]]
    assert _entries(workplaces, Workplace)[str(new_school.pk)].action == AuditEntry.Action.CREATE

    people = upload(
        "people",
        "personer.csv",
        (
            "email;fulde navn;rolle;virksomhed\n"
            f"{org.employee.email};Omdøbt Medarbejder;medarbejder;Egeskovskolen\n"
            "ny@example.org;Ny Person;medarbejder;Nyskolen\n"
        ).encode(),
    )
    assert people.status == ImportJob.Status.DONE, people.errors
    newcomer = type(org.admin).objects.get(email="ny@example.org")
    users = _entries(people, type(org.admin))
    assert users[str(org.employee.pk)].changes["full_name"][1] == "Omdøbt Medarbejder"
    assert users[str(newcomer.pk)].action == AuditEntry.Action.CREATE
    membership = Membership.objects.get(person=newcomer, role=Role.EMPLOYEE)
    assert str(membership.pk) in _entries(people, Membership)

    every = AuditEntry.objects.filter(source__in=[f"import:{job.pk}" for job in (committees, workplaces, people)])
    assert every.count() >= 7
    assert set(every.values_list("actor_id", flat=True)) == {org.admin.pk}


def test_a_refused_import_leaves_no_trail(org, upload):
    job = upload("workplaces", "w.csv", b"navn;type\nGod;skole\nFejl;Rumstation\n")
    assert job.status == ImportJob.Status.FAILED
    assert not AuditEntry.objects.filter(source=f"import:{job.pk}").exists()


def test_the_command_records_its_import_and_the_person_responsible(org, tmp_path):
    path = Path(tmp_path, "udvalg.csv")
    path.write_text("navn\nPlanudvalget\n", encoding="utf-8")
    call_command("import_organisation", "committees", str(path), "--by", org.admin.email)
    job = ImportJob.objects.get(original_name="udvalg.csv")
    assert job.status == ImportJob.Status.DONE and job.created_by == org.admin
    committee = Committee.objects.get(name="Planudvalget")
    entry = _entries(job, Committee)[str(committee.pk)]
    assert entry.actor == org.admin and entry.action == AuditEntry.Action.CREATE
