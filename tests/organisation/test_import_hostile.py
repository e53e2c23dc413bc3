"""Hostile imports: broken encodings, binary files, huge cells, rows and sheets, zip bombs.

Each goes through the import page like an administrator's upload and must end as a failed
job with a clear message, nothing written, no server error and no hang.
"""

from __future__ import annotations

import html
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from organisation import importer
from organisation.models import ImportJob, Workplace
from tests.organisation.test_import import _enrol_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(org, client_for, django_capture_on_commit_callbacks):
    _enrol_mfa(org.admin)
    admin = client_for(org.admin)
    before = Workplace.objects.count()

    def run(name: str, data: bytes) -> str:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                reverse("organisation:import"), {"kind": "workplaces", "file": SimpleUploadedFile(name, data)}
            )
        assert response.status_code == 302, response.content[:500]
        page = admin.get(response["Location"])
        assert page.status_code == 200
        assert time.monotonic() - started < 10
        job = ImportJob.objects.get(pk=page.context["job"].pk)
        assert job.status == ImportJob.Status.FAILED
        assert Workplace.objects.count() == before
        message = " ".join(error["message"] for error in job.errors)
        assert job.errors[0]["message"] in html.unescape(page.content.decode())
        return message

    return run


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_text_that_is_neither_utf8_nor_windows_1252_is_refused_by_name(upload):
    # 0x81, 0x8d, 0x8f, 0x90 and 0x9d are undefined in Windows-1252 too.
    message = upload("w.csv", b"navn;type\nSkole\x81\x8d\x8f\x90\x9d;skole\n")
    assert "UTF-8" in message and "1252" in message


def test_windows_1252_text_imports_as_the_letters_it_means(org, client_for):
    rows = importer.read_rows("navn;type\nBølgeby Skole;skole\n".encode("cp1252"), "w.csv")
    assert rows == [(2, {"name": "Bølgeby Skole", "kind": "skole"})]


def test_a_file_with_a_nul_byte_is_refused_as_not_text(upload):
    assert "CSV" in upload("w.csv", b"navn;type\nA\x00B;skole\n")


def test_a_50000_character_cell_is_refused_with_its_line(upload):
    message = upload("w.csv", ("navn;type\nGod;skole\n" + "x" * 50_000 + ";skole\n").encode())
    assert "3" in message and "20000" in message.replace(".", "").replace(",", "")


def test_a_2500_character_description_is_a_field_error_on_its_row(upload):
    upload("w.csv", ("navn;type;beskrivelse\nGod;skole;" + "x" * 2_500 + "\n").encode())
    job = ImportJob.objects.get()
    assert [(e["line"], e["field"]) for e in job.errors] == [(2, "description")]


def test_a_row_of_10000_columns_is_refused_with_its_line(upload):
    message = upload("w.csv", ("navn;type\nGod;skole\n" + ";".join(["x"] * 10_000) + "\n").encode())
    assert "3" in message and "10000" in message.replace(".", "").replace(",", "")


def test_a_header_of_10000_columns_is_refused(upload):
    assert "200" in upload("w.csv", (";".join(f"c{n}" for n in range(10_000)) + "\nx\n").encode())


def test_more_rows_than_the_limit_are_refused_before_validation(upload):
    assert "100" in upload("w.csv", ("navn;type\n" + "a;skole\n" * (importer.MAX_ROWS + 5)).encode())


def test_an_xlsx_sheet_is_read_only_up_to_the_row_limit(upload, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    assert "50" in upload("w.xlsx", xlsx([["navn", "type"]] + [[f"S{n}", "skole"] for n in range(200)]))


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(upload):
    assert "XLSX" in upload("w.xlsx", b"navn;type\nGod;skole\n")


def test_a_zip_that_is_not_a_workbook_is_refused(upload):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "XLSX" in upload("w.xlsx", out.getvalue())


def test_an_xlsx_decompression_bomb_is_refused_without_unpacking_it(upload):
    # A real workbook whose sheet unpacks to 210 MB of padding (a few hundred KB packed).
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["navn", "type"]]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(210):
                sheet.write(chunk)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    assert "MB" in upload("w.xlsx", data)
