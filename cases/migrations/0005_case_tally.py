"""The cases per status (cases/case_tally.py explains it): the table, its triggers and the
cases counted as they are."""

from django.db import migrations, models

from cases import case_tally


def install(apps, schema_editor):
    case_tally.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    case_tally.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_figures_data_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseTally",
            fields=[
                ("status", models.CharField(max_length=12, primary_key=True, serialize=False)),
                ("cases", models.IntegerField()),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
