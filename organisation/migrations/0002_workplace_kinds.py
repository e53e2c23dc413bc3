"""The workplace kinds most Danish municipalities run; administrators may add more."""

from django.db import migrations

KINDS = [
    ("skole", "Skole", "School"),
    ("dagtilbud", "Dagtilbud", "Daycare"),
    ("plejecenter", "Plejecenter", "Care centre"),
    ("hjemmepleje", "Hjemmepleje og sygepleje", "Home care and nursing"),
    ("jobcenter", "Jobcenter", "Job centre"),
    ("sprogcenter", "Sprogcenter", "Language centre"),
    ("familie", "Børn og familie", "Children and families"),
    ("ungdom", "Ungdomsskole og klub", "Youth school and club"),
    ("botilbud", "Botilbud og værested", "Residential care and drop-in centre"),
    ("kultur", "Kultur og fritid", "Culture and leisure"),
    ("teknik", "Teknik og miljø", "Technical services"),
]


def add_kinds(apps, schema_editor):
    WorkplaceKind = apps.get_model("organisation", "WorkplaceKind")
    for slug, name, name_en in KINDS:
        WorkplaceKind.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
