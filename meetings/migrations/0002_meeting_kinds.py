"""The four meeting kinds the working group's report describes; administrators may add more."""

from django.db import migrations

KINDS = [
    ("dialogue", "Dialogmøde", "Dialogue meeting", 10),
    ("committee-at-workplace", "Udvalgsmøde på virksomhed", "Committee meeting at a workplace", 20),
    ("visit", "Virksomhedsbesøg", "Workplace visit", 30),
    ("school-development", "Skoleudviklingssamtale", "School development conversation", 40),
]


def add_kinds(apps, schema_editor):
    MeetingKind = apps.get_model("meetings", "MeetingKind")
    for slug, name, name_en, order in KINDS:
        MeetingKind.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
