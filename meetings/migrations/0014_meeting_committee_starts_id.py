# The committee plan's index with the meeting's id: its month index and a page's ids read
# from the index alone (index-only scans). The new index is made before the old one goes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0013_start_page_step_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["committee", "starts_at", "id"], name="meeting_committee_starts_id"),
        ),
        migrations.RemoveIndex(
            model_name="meeting",
            name="meeting_committee_starts",
        ),
    ]
