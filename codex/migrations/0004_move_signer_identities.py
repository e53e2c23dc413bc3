"""Move each signature's name, email and roles into its identity row and rebuild the
hash chain over the new link format, in sequence order from the genesis hash.

Rewriting every hash would also launder an earlier tampering, so each row's old hash is
checked first and the migration stops at the first row that does not match (run
`manage.py verify_codex` on the previous release to see why). On PostgreSQL the
append-only trigger is dropped for the rewrite and created again before the transaction
commits, so no other session ever sees the table unguarded; the identity table gets a
trigger of its own that refuses UPDATE (DELETE is the erasure and stays allowed).

The hash functions are frozen copies: codex.models may change its link format later,
but this migration must always compute the format it introduced."""

import datetime as dt
import hashlib
import json
import secrets

from django.db import migrations

from samspil.migration_safety import Irreversible

GENESIS_HASH = "0" * 64
BATCH = 2000

SIGNATURE_TRIGGER_DROP = "DROP TRIGGER IF EXISTS codex_signature_append_only ON codex_signature;"
SIGNATURE_TRIGGER_CREATE = """
CREATE TRIGGER codex_signature_append_only
    BEFORE UPDATE OR DELETE ON codex_signature
    FOR EACH ROW EXECUTE FUNCTION codex_signature_append_only();
"""
IDENTITY_TRIGGER_CREATE = """
CREATE OR REPLACE FUNCTION codex_identity_no_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'codex signer identities are never edited, only erased: UPDATE refused on %', OLD.signature_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER codex_identity_no_update
    BEFORE UPDATE ON codex_signatureidentity
    FOR EACH ROW EXECUTE FUNCTION codex_identity_no_update();
"""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _signed_at(value) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def old_hash(row) -> str:
    return _sha256(
        _dumps(
            {
                "sequence": row.sequence,
                "person": row.person_id,
                "version": row.version_id,
                "signed_at": _signed_at(row.signed_at),
                "person_name": row.person_name,
                "person_email": row.person_email,
                "roles": row.roles,
                "text_sha256": row.text_sha256,
                "term": row.term_id,
                "previous_hash": row.previous_hash,
            }
        )
    )


def new_digest(salt: str, name: str, email: str, roles) -> str:
    return _sha256(_dumps({"salt": salt, "name": name, "email": email, "roles": roles}))


def new_hash(row) -> str:
    return _sha256(
        _dumps(
            {
                "sequence": row.sequence,
                "person": row.person_id,
                "version": row.version_id,
                "signed_at": _signed_at(row.signed_at),
                "signer": row.signer_digest,
                "text_sha256": row.text_sha256,
                "term": row.term_id,
                "previous_hash": row.previous_hash,
            }
        )
    )


def move(apps, schema_editor):
    Signature = apps.get_model("codex", "Signature")
    Identity = apps.get_model("codex", "SignatureIdentity")
    ChainHead = apps.get_model("codex", "ChainHead")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(SIGNATURE_TRIGGER_DROP, params=None)
    previous = GENESIS_HASH
    last_sequence = 0
    signatures, identities = [], []

    def flush():
        Identity.objects.bulk_create(identities, batch_size=BATCH)
        if postgres and signatures:
            # One UPDATE ... FROM (VALUES ...) per batch: bulk_update's CASE per row
            # takes minutes over 120,000 signatures.
            values = ", ".join(["(%s, %s, %s, %s)"] * len(signatures))
            params = [p for row in signatures for p in (row.pk, row.signer_digest, row.previous_hash, row.hash)]
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE codex_signature AS s SET signer_digest = v.digest, previous_hash = v.previous, "
                    f"hash = v.hash FROM (VALUES {values}) AS v(id, digest, previous, hash) "  # nosec B608 - placeholders only
                    "WHERE s.id = v.id",
                    params,
                )
        else:
            Signature.objects.bulk_update(signatures, ["signer_digest", "previous_hash", "hash"], batch_size=500)
        signatures.clear()
        identities.clear()

    for row in Signature.objects.order_by("sequence").iterator(chunk_size=BATCH):
        if old_hash(row) != row.hash:
            raise RuntimeError(
                f"codex signature {row.pk} (link #{row.sequence}) does not match its hash; "
                "the chain is not rewritten over an altered row. Run verify_codex on the previous release."
            )
        salt = secrets.token_hex(16)
        identities.append(
            Identity(
                signature_id=row.pk,
                salt=salt,
                person_name=row.person_name,
                person_email=row.person_email,
                roles=row.roles,
            )
        )
        row.signer_digest = new_digest(salt, row.person_name, row.person_email, row.roles)
        row.previous_hash = previous
        row.hash = previous = new_hash(row)
        last_sequence = row.sequence
        signatures.append(row)
        if len(signatures) >= BATCH:
            flush()
    flush()
    if last_sequence:
        ChainHead.objects.update_or_create(pk=1, defaults={"last_sequence": last_sequence, "last_hash": previous})
    if postgres:
        # The identity inserts queued deferred foreign-key checks; CREATE TRIGGER refuses
        # to run on a table with pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute(SIGNATURE_TRIGGER_CREATE, params=None)
        schema_editor.execute(IDENTITY_TRIGGER_CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("codex", "0003_signature_identity")]

    # Not reversible: the old link format hashed the names, and erased identities
    # cannot be brought back to rebuild it. Said in the operation too, so a rollback
    # below this is refused whole before anything is dropped (samspil/migration_safety.py).
    operations = [
        migrations.RunPython(move),
        Irreversible(
            "codex 0004 rewrote the signature chain over signer identities; the old chain "
            "hashed names and e-mails that erasure may have removed, so it cannot be rebuilt. "
            "Restore a backup taken before the upgrade instead."
        ),
    ]
