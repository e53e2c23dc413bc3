"""An index on the workplaces' names for the agreement list (agreements.selectors.
agreements_listed_page): the leadership's list of one period, ordered by workplace name,
walks the workplaces by name and stops at the page's fifty, where it sorted all 2,000 of
the period's agreements (and their workplaces) for every page. The index is on
organisation's table but serves only this list, so it lives here; `(name, id)` as the
list orders (ties on a name by the agreement's id, sorted within the name)."""

from django.db import migrations

INDEX = "agreement_list_workplace_name"


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_merge_field_versions_text_bounds"),
        ("organisation", "0006_membership_med_contact"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON organisation_workplace (name, id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
