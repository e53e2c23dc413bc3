"""Each participation's meeting end (meetings/participant_times.py explains it): the column,
its index, the triggers that keep it and the copy of every meeting's end."""

from django.conf import settings
from django.db import migrations, models

from meetings import participant_times


def install(apps, schema_editor):
    participant_times.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    participant_times.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0014_meeting_committee_starts_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="meeting_ends_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["person", "meeting_ends_at", "meeting"], name="participant_person_ends"),
        ),
    ]
