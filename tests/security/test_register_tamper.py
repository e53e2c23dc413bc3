"""Issue 14, point 7: the code-of-conduct register against whoever owns its tables.

The attacker here is the database user that owns the tables (in the compose file, the
application's own user): it can disable triggers, edit and delete rows, and run the
register's published algorithm. What it lacks is the chain key (settings.CODEX_CHAIN_KEY,
outside the database) and the anchors already emailed to the data protection officer.
"""

from __future__ import annotations

import time

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import person_erase
from codex import tasks
from codex.models import ChainAnchor, ChainHead, Signature, SignatureIdentity, sha256_hex, signature_hash_payload
from tests.codex.helpers import publish_version, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(org, postgres):
    version = publish_version(org.admin)
    return [sign(person, version) for person in (org.member, org.chair, org.leader, org.employee)]


def as_table_owner(*statements: tuple[str, list]) -> None:
    """Run SQL the way the table owner would: guards off, change, guards back on."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE codex_signature DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE codex_signatureidentity DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("ALTER TABLE codex_signature ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE codex_signatureidentity ENABLE TRIGGER USER")


def unkeyed_rewrite(from_sequence: int) -> list[tuple[str, list]]:
    """The chain from `from_sequence` on, recomputed with the register's own (unkeyed)
    link format and SHA-256, and the head moved to match: what passed verify before."""
    statements = []
    rows = list(Signature.objects.order_by("sequence"))
    previous = rows[from_sequence - 2].hash if from_sequence > 1 else "0" * 64
    for row in rows[from_sequence - 1 :]:
        row.previous_hash = previous
        row.hash = previous = sha256_hex(row.hash_payload())
        statements.append(
            (
                "UPDATE codex_signature SET previous_hash = %s, hash = %s WHERE id = %s",
                [row.previous_hash, row.hash, row.pk],
            )
        )
    statements.append(("UPDATE codex_chainhead SET last_hash = %s WHERE id = 1", [previous]))
    return statements


def verify_fails(match: str) -> str:
    with pytest.raises(CommandError, match=match) as failure:
        call_command("verify_codex")
    return str(failure.value)


def test_a_table_owner_rewrite_with_the_unkeyed_algorithm_is_found(signatures):
    target = signatures[1]
    as_table_owner(
        ("UPDATE codex_signature SET signed_at = signed_at - INTERVAL '3 days' WHERE id = %s", [target.pk]),
    )
    # Recompute the altered link and every one after it, and the head, as the owner can.
    as_table_owner(*unkeyed_rewrite(from_sequence=2))
    message = verify_fails("broken at link #2")
    assert f"signature id {target.pk}" in message


def test_a_rewrite_with_the_right_format_but_a_guessed_key_is_found(signatures, settings):
    as_table_owner(("UPDATE codex_signature SET term_id = 99 WHERE id = %s", [signatures[2].pk]))
    real_key = settings.CODEX_CHAIN_KEY
    settings.CODEX_CHAIN_KEY = "the-default-laptop-key-guessed"
    rows = list(Signature.objects.order_by("sequence"))
    previous = rows[1].hash
    statements = []
    for row in rows[2:]:
        row.previous_hash = previous
        row.hash = previous = row.compute_hash()
        statements.append(
            (
                "UPDATE codex_signature SET previous_hash = %s, hash = %s WHERE id = %s",
                [row.previous_hash, row.hash, row.pk],
            )
        )
    statements.append(("UPDATE codex_chainhead SET last_hash = %s WHERE id = 1", [previous]))
    settings.CODEX_CHAIN_KEY = real_key
    as_table_owner(*statements)
    verify_fails("broken at link #3")


def test_deleting_the_newest_signature_and_moving_the_head_is_found_against_the_anchor(
    signatures, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_CONTACT = "dpo@kommune.example"
    # The task's transaction commits, and the outbox's batch sends the anchor email then.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.anchor_chain_head.apply().get()
    anchor = ChainAnchor.objects.get()
    newest = signatures[-1]
    assert (anchor.last_sequence, anchor.last_hash, anchor.signatures) == (4, newest.hash, 4)
    # The anchor left the database: an email to the data protection officer with the head.
    message = smtp_server.wait_for(1)[0]
    assert message["to"] == ["dpo@kommune.example"]
    assert newest.hash in message["message"].get_body(("plain",)).get_content()
    call_command("verify_codex")

    previous = signatures[-2]
    as_table_owner(
        ("DELETE FROM codex_signatureidentity WHERE signature_id = %s", [newest.pk]),
        ("DELETE FROM codex_signature WHERE id = %s", [newest.pk]),
        ("UPDATE codex_chainhead SET last_sequence = 3, last_hash = %s WHERE id = 1", [previous.hash]),
    )
    verify_fails("anchor of .* names link #4, but the chain ends at #3")


def test_an_anchor_forged_to_match_a_shortened_chain_is_found(signatures):
    tasks.anchor_chain_head.apply().get()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE codex_chainanchor DISABLE TRIGGER USER")
        cursor.execute("UPDATE codex_chainanchor SET last_sequence = 3, signatures = 3")
        cursor.execute("ALTER TABLE codex_chainanchor ENABLE TRIGGER USER")
    verify_fails("not written with the chain key")


def test_the_anchor_is_made_once_a_day_and_sent_once(
    signatures, smtp_server, settings, django_capture_on_commit_callbacks
):
    from codex.services import chain_anchors_send
    from outbox.models import Email

    settings.PRIVACY_CONTACT = "dpo@kommune.example"
    # Two hourly runs the same day (each commits, so the outbox's batch runs after it).
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.anchor_chain_head.apply().get()
    assert ChainAnchor.objects.count() == 1
    anchor = ChainAnchor.objects.get()
    assert anchor.sent_at is not None and anchor.sent_to == "dpo@kommune.example"
    # Through the one outbox: one row per anchor and recipient, sent once.
    (row,) = Email.objects.filter(family="codex.chain_anchor")
    assert row.key == f"codex.chain_anchor:{anchor.pk}:dpo@kommune.example"
    assert row.outcome == Email.Outcome.SENT
    messages = smtp_server.wait_for(1)
    assert messages[0]["to"] == ["dpo@kommune.example"]
    assert anchor.last_hash in messages[0]["message"].get_body(("plain",)).get_content()
    with django_capture_on_commit_callbacks(execute=True):
        assert chain_anchors_send() == 0
    time.sleep(0.5)  # a second email, if any, would have arrived now
    assert len(smtp_server.messages) == 1


def test_a_broken_chain_is_not_anchored_and_the_dpo_is_told(
    signatures, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_CONTACT = "dpo@kommune.example"
    as_table_owner(("UPDATE codex_signature SET term_id = 5 WHERE id = %s", [signatures[0].pk]))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.anchor_chain_head.apply().get()
    assert not ChainAnchor.objects.exists()
    body = smtp_server.wait_for(1)[0]["message"].get_body(("plain",)).get_content()
    assert "link #1" in body
    # Through the one outbox, once a day: the next hourly run tells the DPO nothing new.
    from outbox.models import Email

    (row,) = Email.objects.filter(family="codex.chain_broken")
    assert row.key == f"codex.chain_broken:{timezone.localdate().isoformat()}:dpo@kommune.example"
    with django_capture_on_commit_callbacks(execute=True):
        tasks.anchor_chain_head.apply().get()
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1 and Email.objects.filter(family="codex.chain_broken").count() == 1


def test_the_public_code_page_shows_the_anchor_with_its_date(signatures, client):
    tasks.anchor_chain_head.apply().get()
    anchor = ChainAnchor.objects.get()
    page = client.get(reverse("codex:public")).content.decode()
    assert anchor.last_hash in page
    assert f'datetime="{timezone.localdate():%Y-%m-%d}"' in page


def test_truncate_is_refused_on_signatures_and_identities(signatures):
    for table in ("codex_signature", "codex_signatureidentity", "codex_chainanchor"):
        with pytest.raises(DatabaseError, match="never emptied"), transaction.atomic(), connection.cursor() as cursor:
            # The test run's own escape hatch for flushing tables is off, as on a real site.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL samspil.allow_truncate = 'off'")
            cursor.execute(f"TRUNCATE {table} CASCADE")  # nosec B608 - fixed table names
    assert Signature.objects.count() == 4 and SignatureIdentity.objects.count() == 4


def test_an_identity_row_is_deleted_only_by_erasure(org, signatures):
    target = signatures[3]
    with pytest.raises(DatabaseError, match="only by erasure"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM codex_signatureidentity WHERE signature_id = %s", [target.pk])
    with pytest.raises(DatabaseError, match="only by erasure"), transaction.atomic():
        SignatureIdentity.objects.filter(signature=target).delete()
    assert SignatureIdentity.objects.filter(signature=target).exists()

    person_erase(person=org.employee, erased_by=org.admin)
    assert not SignatureIdentity.objects.filter(signature=target).exists()
    assert Signature.objects.get(pk=target.pk).anonymised
    call_command("verify_codex")
    # The erasure's permission ended with its transaction.
    with pytest.raises(DatabaseError, match="only by erasure"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM codex_signatureidentity WHERE signature_id = %s", [signatures[0].pk])


def test_an_anchor_row_is_append_only(signatures):
    tasks.anchor_chain_head.apply().get()
    anchor = ChainAnchor.objects.get()
    for sql in (
        "UPDATE codex_chainanchor SET last_hash = 'x' WHERE id = %s",
        "DELETE FROM codex_chainanchor WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [anchor.pk])


def test_the_links_are_keyed_not_plain_sha256(signatures):
    first = Signature.objects.get(sequence=1)
    assert first.hash != sha256_hex(
        signature_hash_payload(
            **{
                "sequence": first.sequence,
                "person_id": first.person_id,
                "version_id": first.version_id,
                "signed_at": first.signed_at,
                "signer_digest": first.signer_digest,
                "text_sha256": first.text_sha256,
                "term_id": first.term_id,
                "previous_hash": first.previous_hash,
            }
        )
    )
    assert ChainHead.objects.get().last_hash == signatures[-1].hash


def test_check_deploy_warns_while_the_chain_key_is_derived_from_secret_key(settings):
    settings.CODEX_CHAIN_KEY_FROM_ENV = False
    assert "codex.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.CODEX_CHAIN_KEY_FROM_ENV = True
    assert "codex.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_a_real_worker_anchors_the_head_and_emails_it_to_the_dpo(
    transactional_db, celery_worker_process, smtp_server, settings
):
    from tests import factories

    org = factories.build_org()
    version = publish_version(org.admin)
    last = [sign(person, version) for person in (org.member, org.leader)][-1]
    celery_worker_process()
    tasks.anchor_chain_head.delay()
    # Publishing also sends "please sign" emails through the same worker: wait for the DPO's.
    deadline = time.monotonic() + 30
    while not (to_dpo := [m for m in smtp_server.messages if m["to"] == [settings.PRIVACY_CONTACT]]):
        assert time.monotonic() < deadline, "the anchor email did not arrive"
        time.sleep(0.05)
    message = to_dpo[0]
    anchor = ChainAnchor.objects.get()
    assert (anchor.last_sequence, anchor.last_hash, anchor.signatures) == (2, last.hash, 2)
    assert anchor.sent_at is not None
    body = message["message"].get_body(("plain",)).get_content()
    assert last.hash in body and "/kodeks/offentlig/" in body
    call_command("verify_codex")
