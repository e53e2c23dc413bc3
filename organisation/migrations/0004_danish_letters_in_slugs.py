"""Spell æ, ø, å as ae, oe, aa in addresses made from names, and remember the old ones.

Only slugs that `slugify(name)` made (so an address an administrator chose stays) are
rewritten; each old slug becomes a SlugAlias, so bookmarks and emails keep working.
Reversible: the reverse puts every alias back and deletes it.
"""

from django.db import migrations
from django.utils.text import slugify

MODELS = ("Committee", "Centre", "Workplace")
TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def forward(apps, schema_editor):
    SlugAlias = apps.get_model("organisation", "SlugAlias")
    for name in MODELS:
        Model = apps.get_model("organisation", name)
        taken = set(Model.objects.values_list("slug", flat=True))
        max_length = Model._meta.get_field("slug").max_length
        for row in Model.objects.only("pk", "name", "slug").iterator():
            if row.slug != slugify(row.name)[:max_length]:
                continue
            new = slugify(row.name.translate(TABLE))[:max_length]
            if new == row.slug or new in taken or SlugAlias.objects.filter(old=row.slug).exists():
                continue
            SlugAlias.objects.create(old=row.slug, new=new)
            taken.add(new)
            Model.objects.filter(pk=row.pk).update(slug=new)


def backward(apps, schema_editor):
    SlugAlias = apps.get_model("organisation", "SlugAlias")
    for alias in SlugAlias.objects.all():
        for name in MODELS:
            apps.get_model("organisation", name).objects.filter(slug=alias.new).update(slug=alias.old)
    SlugAlias.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0003_slug_alias")]

    operations = [migrations.RunPython(forward, backward)]
