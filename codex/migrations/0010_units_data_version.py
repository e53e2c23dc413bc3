"""The data version behind the register's filter lists (codex/freshness.py explains it).

Only the version's storage and the PostgreSQL trigger function are made here; the
triggers themselves are (re)installed after every `migrate` by codex.freshness, so they
always match the tables as they are then.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from codex import freshness

    freshness.VERSION.create_storage(schema_editor.connection)


def backwards(apps, schema_editor):
    from codex import freshness

    freshness.VERSION.drop_all(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("codex", "0009_signature_version_person"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
