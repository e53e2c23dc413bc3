"""The signer's name, email and roles now live only in SignatureIdentity (0004).

Not reversible: putting the three columns back would need them NOT NULL on a table
with rows (the old reverse failed half-way), and 0004 below cannot be reversed anyway.
"""

from django.db import migrations

from samspil.migration_safety import Irreversible


class Migration(migrations.Migration):
    dependencies = [("codex", "0004_move_signer_identities")]

    operations = [
        migrations.RemoveField(model_name="signature", name="person_name"),
        migrations.RemoveField(model_name="signature", name="person_email"),
        migrations.RemoveField(model_name="signature", name="roles"),
        Irreversible(
            "codex 0005 removed the signer's name, e-mail and roles from codex_signature; they "
            "live in codex_signatureidentity now and are not copied back. Restore a backup "
            "taken before the upgrade instead."
        ),
    ]
