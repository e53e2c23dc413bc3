"""Erasing a person (accounts.privacy.person_erase) keeps their signatures in the chain
as anonymous signatures: the name, email and roles snapshot are deleted for real, the
chain still verifies, and the register and its CSV still count the signature."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.privacy import person_erase
from codex.models import Signature, SignatureIdentity

from .helpers import publish_version, sign

pytestmark = pytest.mark.django_db


def _signature_tables_text() -> str:
    """Every row of every signature-related table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in ("codex_signature", "codex_signatureidentity", "codex_chainhead"):
            cursor.execute(f"SELECT * FROM {table}")  # nosec B608 - fixed table names
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_an_erased_persons_signature_stays_anonymous_and_the_chain_verifies(org, capsys):
    version = publish_version(org.admin)
    mine = sign(org.employee, version)
    sign(org.leader, version)
    name, email = org.employee.full_name, org.employee.email
    assert name in _signature_tables_text() and email in _signature_tables_text()

    person_erase(person=org.employee, erased_by=org.admin)

    signature = Signature.objects.get(pk=mine.pk)
    assert signature.hash == mine.hash and signature.anonymised
    assert str(signature.signer_name) in ("Anonymised", "Anonymiseret")
    assert not SignatureIdentity.objects.filter(signature=mine).exists()
    text = _signature_tables_text()
    assert name not in text and email not in text
    call_command("verify_codex")
    assert "intact: 2 signatures checked (1 anonymised)" in capsys.readouterr().out


def test_the_register_and_its_csv_count_the_anonymised_signature(org, client_for):
    version = publish_version(org.admin)
    sign(org.employee, version)
    client = client_for(org.admin)
    client.get(reverse("codex:register"))  # the counts are cached now
    person_erase(person=org.employee, erased_by=org.admin)

    response = client.get(reverse("codex:register"))
    assert response.context["anonymised"] == 1
    html = response.content.decode()
    assert "anonymised" in html.lower() or "anonymiseret" in html.lower()
    assert org.employee.email not in html

    body = b"".join(client.get(reverse("codex:register_csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    anonymous = [row for row in rows if row[0] in ("Anonymised", "Anonymiseret")]
    assert len(anonymous) == 1 and anonymous[0][4] == str(version.number)
    assert not any("employee@" in cell for row in rows for cell in row)


def test_the_danish_register_says_anonymiseret(org, client_for):
    version = publish_version(org.admin)
    sign(org.employee, version)
    person_erase(person=org.employee, erased_by=org.admin)
    client = client_for(org.admin)
    client.cookies["django_language"] = "da"
    body = b"".join(client.get(reverse("codex:register_csv"), HTTP_ACCEPT_LANGUAGE="da").streaming_content).decode(
        "utf-8-sig"
    )
    assert "Anonymiseret" in body
    html = client.get(reverse("codex:register"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "anonymiseret" in html


def test_the_data_download_holds_the_signatures_until_the_person_is_erased(org, client_for):
    version = publish_version(org.admin)
    sign(org.employee, version)
    data = json.loads(client_for(org.employee).get(reverse("accounts:my_data_download")).content)
    row = data["code_signatures"][0]
    assert row["version__number"] == version.number
    assert row["identity__person_email"] == org.employee.email
    assert row["identity__roles"][0]["role"] == "employee"


def test_tampering_with_a_kept_identity_is_still_detected_after_another_erasure(org):
    from django.core.management.base import CommandError

    from .test_verify import tamper

    version = publish_version(org.admin)
    kept = sign(org.leader, version)
    sign(org.employee, version)
    person_erase(person=org.employee)
    tamper("UPDATE codex_signatureidentity SET person_email = 'x@example.org' WHERE signature_id = %s", [kept.pk])
    with pytest.raises(CommandError, match=f"signature id {kept.pk}"):
        call_command("verify_codex")


def test_on_postgresql_an_identity_cannot_be_edited_only_erased(org, postgres):
    from django.db import IntegrityError, InternalError, transaction

    signature = sign(org.member, publish_version(org.admin))
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE codex_signatureidentity SET person_name = 'x' WHERE signature_id = %s", [signature.pk])
    person_erase(person=org.member)
    assert not SignatureIdentity.objects.exists() and Signature.objects.count() == 1
