"""The register proves itself: a clean chain verifies; any altered or removed row fails
the check, which names the signature.

On PostgreSQL a trigger refuses every UPDATE and DELETE of a signature, so to play the
attacker the test disables that trigger inside its own transaction (as a database owner
could), alters the row in raw SQL, and lets the check find it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from codex.models import Signature

from .helpers import enrol_totp, publish_version, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(org):
    version = publish_version(org.admin)
    return [sign(person, version) for person in (org.member, org.chair, org.leader, org.employee)]


def tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks from the inserts must run before ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE codex_signature DISABLE TRIGGER codex_signature_append_only")
            cursor.execute("ALTER TABLE codex_signatureidentity DISABLE TRIGGER codex_identity_no_update")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE codex_signature ENABLE TRIGGER codex_signature_append_only")
            cursor.execute("ALTER TABLE codex_signatureidentity ENABLE TRIGGER codex_identity_no_update")


def test_a_clean_register_verifies(signatures, capsys):
    call_command("verify_codex")
    assert "intact: 4 signatures checked (0 anonymised)" in capsys.readouterr().out


ALTERATIONS = {
    # The identity row sits outside the hash; its salted digest inside it is checked.
    "person_name": "UPDATE codex_signatureidentity SET person_name = 'Mallory' WHERE signature_id = %s",
    "person_email": "UPDATE codex_signatureidentity SET person_email = 'mallory@example.org' WHERE signature_id = %s",
    "salt": "UPDATE codex_signatureidentity SET salt = 'ab' || substr(salt, 3) WHERE signature_id = %s",
    "signer_digest": "UPDATE codex_signature SET signer_digest = 'ab' || substr(signer_digest, 3) WHERE id = %s",
    "person_id": "UPDATE codex_signature SET person_id = (SELECT MIN(id) FROM accounts_user) WHERE id = %s",
    "signed_at": "UPDATE codex_signature SET signed_at = signed_at - INTERVAL '1 day' WHERE id = %s",
    "roles": "UPDATE codex_signatureidentity SET roles = '[]' WHERE signature_id = %s",
    "text_sha256": "UPDATE codex_signature SET text_sha256 = 'ab' || substr(text_sha256, 3) WHERE id = %s",
    "term_id": "UPDATE codex_signature SET term_id = term_id + 7 WHERE id = %s",
    "sequence": "UPDATE codex_signature SET sequence = sequence + 100 WHERE id = %s",
    "previous_hash": "UPDATE codex_signature SET previous_hash = 'cd' || substr(previous_hash, 3) WHERE id = %s",
    "hash": "UPDATE codex_signature SET hash = 'ef' || substr(hash, 3) WHERE id = %s",
}


@pytest.mark.parametrize("column", sorted(ALTERATIONS))
def test_altering_any_column_of_a_signature_in_sql_fails_the_check_and_names_it(column, signatures):
    target = signatures[1]
    sql = ALTERATIONS[column]
    if connection.vendor == "sqlite":
        sql = sql.replace("signed_at - INTERVAL '1 day'", "datetime(signed_at, '-1 day')")
    tamper(sql, [target.pk])
    with pytest.raises(CommandError) as failure:
        call_command("verify_codex")
    message = str(failure.value)
    assert f"signature id {target.pk}" in message, message
    assert target.identity.person_name in message or column == "person_name"


def test_a_removed_signature_breaks_the_chain_at_its_link(signatures):
    tamper("DELETE FROM codex_signatureidentity WHERE signature_id = %s", [signatures[2].pk])
    tamper("DELETE FROM codex_signature WHERE id = %s", [signatures[2].pk])
    with pytest.raises(CommandError, match="broken at link #3"):
        call_command("verify_codex")


def test_the_administrator_page_names_the_first_broken_link(org, signatures, client_for):
    enrol_totp(org.admin)
    client = client_for(org.admin)
    assert "alert-success" in client.get(reverse("codex:verify")).content.decode()
    tamper("UPDATE codex_signatureidentity SET person_name = 'Mallory' WHERE signature_id = %s", [signatures[0].pk])
    response = client.get(reverse("codex:verify"))
    page = response.content.decode()
    assert response.context["report"].broken.pk == signatures[0].pk
    assert "alert-danger" in page and "Mallory" in page
    assert Signature.objects.count() == 4
