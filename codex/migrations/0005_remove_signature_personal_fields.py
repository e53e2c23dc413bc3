"""The signer's name, email and roles now live only in SignatureIdentity (0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("codex", "0004_move_signer_identities")]

    operations = [
        migrations.RemoveField(model_name="signature", name="person_name"),
        migrations.RemoveField(model_name="signature", name="person_email"),
        migrations.RemoveField(model_name="signature", name="roles"),
    ]
