"""The register's keyed chain and its daily anchors (issue 14, point 7).

1. ChainAnchor: the chain head once a day, emailed outside the database.
2. Re-key: every link's hash becomes HMAC-SHA256 with settings.CODEX_CHAIN_KEY instead of
   plain SHA-256, so whoever can write the tables cannot recompute the chain after a
   change. The old chain is verified first (each hash, each link to the one before) and
   the migration stops at the first row that does not match: re-keying must not launder
   an earlier tampering. Reversible: going back verifies the keyed chain with the key in
   the settings and writes the plain SHA-256 chain again. Run both directions with the
   CODEX_CHAIN_KEY the site will use (README, "The code register").
3. PostgreSQL triggers: TRUNCATE of signatures, identities and anchors is refused; an
   identity row may be deleted only inside a transaction that set the transaction-local
   `samspil.codex_erasure` (codex/personal_data.py, the erasure); anchors are
   append-only except for recording, once, that they were emailed. TRUNCATE is let through
   only in a test database (name starting with `test_`) whose session asked for it
   (`samspil.allow_truncate`, set by tests/conftest.py so test runs can empty tables).

The hash functions are frozen copies: codex.models may change later, but this migration
must always compute the formats it converts between."""

import datetime as dt
import hashlib
import hmac
import json

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64
BATCH = 2000

SIGNATURE_TRIGGER_DROP = "DROP TRIGGER IF EXISTS codex_signature_append_only ON codex_signature;"
SIGNATURE_TRIGGER_CREATE = """
CREATE TRIGGER codex_signature_append_only
    BEFORE UPDATE OR DELETE ON codex_signature
    FOR EACH ROW EXECUTE FUNCTION codex_signature_append_only();
"""

GUARDS_CREATE = """
CREATE OR REPLACE FUNCTION codex_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF left(current_database(), 5) = 'test_' AND current_setting('samspil.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the code register is never emptied: TRUNCATE refused on %', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER codex_signature_no_truncate BEFORE TRUNCATE ON codex_signature
    FOR EACH STATEMENT EXECUTE FUNCTION codex_refuse_truncate();
CREATE TRIGGER codex_identity_no_truncate BEFORE TRUNCATE ON codex_signatureidentity
    FOR EACH STATEMENT EXECUTE FUNCTION codex_refuse_truncate();
CREATE TRIGGER codex_anchor_no_truncate BEFORE TRUNCATE ON codex_chainanchor
    FOR EACH STATEMENT EXECUTE FUNCTION codex_refuse_truncate();

CREATE OR REPLACE FUNCTION codex_identity_no_update() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('samspil.codex_erasure', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'codex signer identities are deleted only by erasure: DELETE refused on %', OLD.signature_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RAISE EXCEPTION 'codex signer identities are never edited, only erased: UPDATE refused on %', OLD.signature_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS codex_identity_no_update ON codex_signatureidentity;
CREATE TRIGGER codex_identity_no_update
    BEFORE UPDATE OR DELETE ON codex_signatureidentity
    FOR EACH ROW EXECUTE FUNCTION codex_identity_no_update();

CREATE OR REPLACE FUNCTION codex_anchor_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL
        AND (NEW.id, NEW.day, NEW.anchored_at, NEW.last_sequence, NEW.last_hash, NEW.signatures, NEW.mac)
            IS NOT DISTINCT FROM (OLD.id, OLD.day, OLD.anchored_at, OLD.last_sequence, OLD.last_hash, OLD.signatures, OLD.mac)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'codex chain anchors are append-only: % refused on anchor %', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER codex_anchor_append_only
    BEFORE UPDATE OR DELETE ON codex_chainanchor
    FOR EACH ROW EXECUTE FUNCTION codex_anchor_append_only();
"""

GUARDS_DROP = """
DROP TRIGGER IF EXISTS codex_anchor_append_only ON codex_chainanchor;
DROP FUNCTION IF EXISTS codex_anchor_append_only();
DROP TRIGGER IF EXISTS codex_signature_no_truncate ON codex_signature;
DROP TRIGGER IF EXISTS codex_identity_no_truncate ON codex_signatureidentity;
DROP TRIGGER IF EXISTS codex_anchor_no_truncate ON codex_chainanchor;
DROP FUNCTION IF EXISTS codex_refuse_truncate();
CREATE OR REPLACE FUNCTION codex_identity_no_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'codex signer identities are never edited, only erased: UPDATE refused on %', OLD.signature_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS codex_identity_no_update ON codex_signatureidentity;
CREATE TRIGGER codex_identity_no_update
    BEFORE UPDATE ON codex_signatureidentity
    FOR EACH ROW EXECUTE FUNCTION codex_identity_no_update();
"""


def _payload(row, previous_hash: str) -> str:
    return json.dumps(
        {
            "sequence": row.sequence,
            "person": row.person_id,
            "version": row.version_id,
            "signed_at": row.signed_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "signer": row.signer_digest,
            "text_sha256": row.text_sha256,
            "term": row.term_id,
            "previous_hash": previous_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def plain_hash(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def keyed_hash(payload: str) -> str:
    return hmac.new(settings.CODEX_CHAIN_KEY.encode(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _rewrite(apps, schema_editor, old, new) -> None:
    """Verify the chain under `old`, then store it under `new`, link by link."""
    Signature = apps.get_model("codex", "Signature")
    ChainHead = apps.get_model("codex", "ChainHead")
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(SIGNATURE_TRIGGER_DROP, params=None)
    old_previous = new_previous = GENESIS_HASH
    expected = 1
    batch: list[tuple[int, str, str]] = []

    def flush():
        if not batch:
            return
        if postgres:
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE codex_signature AS s SET previous_hash = v.previous, hash = v.hash "
                    f"FROM (VALUES {values}) AS v(id, previous, hash) WHERE s.id = v.id",  # nosec B608 - placeholders only
                    [p for row in batch for p in row],
                )
        else:
            for pk, previous, digest in batch:
                Signature.objects.filter(pk=pk).update(previous_hash=previous, hash=digest)
        batch.clear()

    for row in Signature.objects.order_by("sequence").iterator(chunk_size=BATCH):
        if row.sequence != expected or row.previous_hash != old_previous or old(_payload(row, row.previous_hash)) != row.hash:
            raise RuntimeError(
                f"codex signature {row.pk} (link #{row.sequence}) does not match the chain; it is not re-keyed "
                "over an altered or missing row. Run verify_codex on the previous release to see why."
            )
        old_previous = row.hash
        new_hash = new(_payload(row, new_previous))
        batch.append((row.pk, new_previous, new_hash))
        new_previous = new_hash
        expected = row.sequence + 1
        if len(batch) >= BATCH:
            flush()
    flush()
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_sequence != expected - 1 or head.last_hash != old_previous:
            raise RuntimeError("the codex chain head does not match the chain's end; it is not re-keyed.")
        ChainHead.objects.filter(pk=1).update(last_hash=new_previous)
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute(SIGNATURE_TRIGGER_CREATE, params=None)


def rekey(apps, schema_editor):
    _rewrite(apps, schema_editor, plain_hash, keyed_hash)


def unkey(apps, schema_editor):
    _rewrite(apps, schema_editor, keyed_hash, plain_hash)


def add_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS_CREATE, params=None)


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("codex", "0005_remove_signature_personal_fields")]

    operations = [
        migrations.CreateModel(
            name="ChainAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(editable=False, unique=True, verbose_name="day")),
                (
                    "anchored_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="anchored"),
                ),
                ("last_sequence", models.PositiveBigIntegerField(editable=False)),
                ("last_hash", models.CharField(editable=False, max_length=64)),
                ("signatures", models.PositiveBigIntegerField(editable=False, verbose_name="signatures")),
                ("mac", models.CharField(editable=False, max_length=64)),
                ("sent_to", models.CharField(blank=True, editable=False, max_length=254)),
                ("sent_at", models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                "verbose_name": "chain anchor",
                "verbose_name_plural": "chain anchors",
                "ordering": ["-day"],
            },
        ),
        migrations.RunPython(rekey, unkey),
        migrations.RunPython(add_guards, drop_guards),
    ]
