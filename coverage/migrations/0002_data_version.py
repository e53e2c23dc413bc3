"""The data version behind the coverage report cache (coverage/freshness.py explains it).

Only the version's storage and the PostgreSQL trigger function are made here; the
triggers themselves are (re)installed after every `migrate` by coverage.freshness, so they
always match the tables as they are then (SQLite drops a table's triggers when a later
migration rebuilds the table).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from coverage import freshness

    freshness.VERSION.create_storage(schema_editor.connection)


def backwards(apps, schema_editor):
    from coverage import freshness

    freshness.VERSION.drop_all(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0001_initial"),
        ("meetings", "0005_meeting_ends_index"),
        ("organisation", "0002_workplace_kinds"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
