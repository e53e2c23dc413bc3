"""Signatures: the signer's name, email and roles move out of the hashed row into an
erasable identity row (see codex.models.Signature). Schema only; 0004 moves the data."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("codex", "0002_append_only_signatures")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="signer_digest",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="SignatureIdentity",
            fields=[
                (
                    "signature",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="identity",
                        serialize=False,
                        to="codex.signature",
                    ),
                ),
                ("salt", models.CharField(editable=False, max_length=32)),
                ("person_name", models.CharField(editable=False, max_length=200)),
                ("person_email", models.CharField(editable=False, max_length=254)),
                ("roles", models.JSONField(default=list, editable=False)),
            ],
            options={"verbose_name": "signer's identity", "verbose_name_plural": "signers' identities"},
        ),
    ]
