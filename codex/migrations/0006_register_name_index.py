"""An index for the register's page query (codex.selectors.register_page_rows):

    ... FROM organisation_membership JOIN accounts_user ON ... WHERE <current, concerned, active>
    ORDER BY accounts_user.full_name, membership.person_id, role, id LIMIT 50

walks accounts_user in (full_name, id) order and stops after one page (a nested loop
into organisation_membership's person_id index) instead of sorting 62,000 memberships.
The index is on the accounts table but only the code register needs it, so it lives
with the register (raw SQL, outside the accounts app's model state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("codex", "0005_remove_signature_personal_fields"), ("accounts", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS codex_register_user_name ON accounts_user (full_name, id);",
            "DROP INDEX IF EXISTS codex_register_user_name;",
        )
    ]
