from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from organisation.importer import import_rows, read_rows
from organisation.models import Committee, ImportJob, Membership, Role, Workplace
from tests.factories import CentreFactory, CommitteeFactory


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.fixture
def structure(db):
    CommitteeFactory(name="Børne- og Ungeudvalget", short_name="BUU", slug="buu")
    CentreFactory(name="Center for Skoler", slug="skoler")


def test_it_imports_workplaces_from_a_danish_csv(structure):
    rows = read_rows(
        csv_bytes(
            "navn;type;center;udvalg;adresse;postnr;by\n"
            "Egeskovskolen;Skole;Center for Skoler;BUU;Egeskovvej 1;4200;Bølgeby\n"
            "Solsikken;dagtilbud;;Børne- og Ungeudvalget;;;\n"
        ),
        "virksomheder.csv",
    )
    result = import_rows(kind="workplaces", rows=rows)
    assert result.ok, result.errors
    assert result.created == 2
    school = Workplace.objects.get(slug="egeskovskolen")
    assert school.kind.slug == "skole"
    assert school.centre.name == "Center for Skoler"
    assert [c.short_name for c in school.committees.all()] == ["BUU"]


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_field(structure):
    rows = read_rows(
        csv_bytes(
            "navn,type,udvalg,email\n"
            "Egeskovskolen,Skole,BUU,skole@example.org\n"
            "Havbakken,Skole,BUU,not-an-email\n"
            "Fjordskolen,Rumstation,BUU,\n"
        ),
        "virksomheder.csv",
    )
    result = import_rows(kind="workplaces", rows=rows)
    assert not result.ok
    assert [(e.line, e.field) for e in result.errors] == [(3, "email"), (4, "kind")]
    assert "Rumstation" in result.errors[1].message
    assert Workplace.objects.count() == 0


def test_it_imports_people_with_roles_and_dates_from_xlsx(structure):
    import_rows(kind="workplaces", rows=read_rows(csv_bytes("navn,type\nEgeskovskolen,skole\n"), "w.csv"))
    book = Workbook()
    sheet = book.active
    sheet.append(["email", "fulde navn", "rolle", "udvalg", "virksomhed", "start", "slut"])
    sheet.append(["ANNA@example.org", "Anna Holm", "udvalgsformand", "BUU", None, "01-01-2026", None])
    sheet.append(["bo@example.org", "Bo Lind", "virksomhedsleder", None, "Egeskovskolen", "2020-08-01", "2030-07-31"])
    data = io.BytesIO()
    book.save(data)
    result = import_rows(kind="people", rows=read_rows(data.getvalue(), "people.xlsx"))
    assert result.ok, result.errors
    chair = Membership.objects.get(person__email="anna@example.org")
    assert chair.role == Role.COMMITTEE_CHAIR
    assert chair.committee.short_name == "BUU"
    assert str(chair.starts_on) == "2026-01-01"
    leader = Membership.objects.get(person__email="bo@example.org")
    assert leader.workplace.slug == "egeskovskolen"
    assert not leader.person.has_usable_password()


def test_it_imports_a_workplaces_med_contact(structure):
    """The MED contact is a workplace role; a union representative may also be it."""
    import_rows(kind="workplaces", rows=read_rows(csv_bytes("navn,type\nEgeskovskolen,skole\n"), "w.csv"))
    rows = read_rows(
        csv_bytes(
            "email;fulde navn;rolle;virksomhed\n"
            "rasmus@example.org;Rasmus Holm;MED-kontakt;Egeskovskolen\n"
            "tove@example.org;Tove Tr;tillidsrepræsentant;Egeskovskolen\n"
            "tove@example.org;Tove Tr;medkontakt;Egeskovskolen\n"
        ),
        "p.csv",
    )
    result = import_rows(kind="people", rows=rows)
    assert result.ok, result.errors
    med = Membership.objects.get(person__email="rasmus@example.org")
    assert med.role == Role.MED_CONTACT and med.workplace.slug == "egeskovskolen"
    assert set(Membership.objects.filter(person__email="tove@example.org").values_list("role", flat=True)) == {
        Role.UNION_REP,
        Role.MED_CONTACT,
    }


def test_people_rows_report_unknown_roles_units_and_bad_dates(structure):
    rows = read_rows(
        csv_bytes(
            "email,full_name,role,committees,starts_on,ends_on\n"
            "a@example.org,A,udvalgsmedlem,Ukendt udvalg,2026-01-01,\n"
            "b@example.org,B,astronaut,,,\n"
            "c@example.org,C,udvalgsmedlem,BUU,31/02/2026,\n"
            "d@example.org,D,udvalgsmedlem,BUU,2026-05-01,2026-04-01\n"
        ),
        "p.csv",
    )
    result = import_rows(kind="people", rows=rows)
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "committees"),
        (3, "role"),
        (4, "starts_on"),
        (5, "ends_on"),
    ]
    assert Membership.objects.count() == 0


def test_a_missing_required_column_is_reported_on_the_header_line(structure):
    result = import_rows(kind="workplaces", rows=read_rows(csv_bytes("navn\nX\n"), "w.csv"))
    assert [(e.line, e.field) for e in result.errors] == [(1, "kind")]


def test_importing_the_same_file_twice_updates_instead_of_duplicating(structure):
    data = csv_bytes("navn,kortnavn\nKulturudvalget,KU\n")
    import_rows(kind="committees", rows=read_rows(data, "c.csv"))
    result = import_rows(kind="committees", rows=read_rows(data, "c.csv"))
    assert (result.created, result.updated) == (0, 1)
    assert Committee.objects.filter(name="Kulturudvalget").count() == 1


def test_it_imports_2000_workplaces_in_under_30_seconds(structure):
    lines = ["navn;type;center;udvalg;adresse;postnr;by"] + [
        f"Virksomhed {n};skole;Center for Skoler;BUU;Vej {n};4200;Bølgeby" for n in range(2000)
    ]
    started = time.perf_counter()
    result = import_rows(kind="workplaces", rows=read_rows(csv_bytes("\n".join(lines)), "big.csv"))
    elapsed = time.perf_counter() - started
    assert result.ok and result.created == 2000
    assert Workplace.committees.through.objects.count() == 2000
    assert elapsed < 30, elapsed


def test_a_non_table_file_gets_a_clear_message(org, client_for, settings):
    admin = client_for(org.admin)
    _enrol_mfa(org.admin)
    response = admin.post(
        reverse("organisation:import"),
        {"kind": "workplaces", "file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert "CSV" in response.context["form"].errors["file"][0]
    assert response.context["form"]["kind"].value() == "workplaces"


def test_the_import_page_runs_the_job_and_shows_the_errors(org, client_for, django_capture_on_commit_callbacks):
    _enrol_mfa(org.admin)
    admin = client_for(org.admin)
    upload = SimpleUploadedFile("w.csv", b"navn,type\nGood,skole\nBad,Rumstation\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("organisation:import"), {"kind": "workplaces", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:import_job", args=[job.pk])
    page = admin.get(response["Location"])
    assert page.context["job"].status == ImportJob.Status.FAILED
    assert page.context["job"].errors == [
        {"line": 3, "field": "kind", "message": page.context["job"].errors[0]["message"]}
    ]
    assert "Rumstation" in page.content.decode()
    assert not Workplace.objects.filter(name="Good").exists()
    # The progress fragment is what htmx polls.
    fragment = admin.get(response["Location"], HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"import-progress" in fragment.content


def _enrol_mfa(user):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user).exists()


def test_the_management_command_imports_or_names_the_bad_rows(structure, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "w.csv"
    good.write_text("navn;type\nEgeskovskolen;skole\n", encoding="utf-8")
    call_command("import_organisation", "workplaces", str(good))
    assert Workplace.objects.filter(slug="egeskovskolen").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("navn;type\nNy skole;skole\nFejl;Rumstation\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_organisation", "workplaces", str(bad), stderr=err)
    assert "line 3, kind:" in err.getvalue()
    assert not Workplace.objects.filter(name="Ny skole").exists()
