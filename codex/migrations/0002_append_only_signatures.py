"""The chain's head row, and on PostgreSQL a trigger that refuses any UPDATE or DELETE of
a signature, even raw SQL from the ORM. (TRUNCATE, which test databases use to empty
tables, is a separate statement and is not refused.) SQLite relies on the model and
queryset guards in codex/models.py."""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION codex_signature_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'codex signatures are append-only: % refused on signature %', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER codex_signature_append_only
    BEFORE UPDATE OR DELETE ON codex_signature
    FOR EACH ROW EXECUTE FUNCTION codex_signature_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS codex_signature_append_only ON codex_signature;
DROP FUNCTION IF EXISTS codex_signature_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


def create_head(apps, schema_editor):
    apps.get_model("codex", "ChainHead").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("codex", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
