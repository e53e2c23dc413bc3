# The register's "not signed" filter: the people without a signature of a version found by
# an anti-join with this index's (version, person) pairs, read from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("codex", "0008_merge_text_bounds"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["version", "person"], name="signature_version_person"),
        ),
    ]
