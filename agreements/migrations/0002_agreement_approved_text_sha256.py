"""The 'approved' state between dialogue and agreement, and the SHA-256 of the text each
approval, signature and revision covers.

Data: an agreement in dialogue that the chair already approved is moved to 'approved' (and
back on reverse); existing revisions get the hash of the snapshot they hold. Approvals made
before this migration keep a blank hash: what text they covered was never recorded, and
inventing it would be a false claim.
"""

import hashlib
import json

from django.db import migrations, models


def _sha(snapshot):
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def forwards(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Revision = apps.get_model("agreements", "Revision")
    Agreement.objects.filter(status="in_dialogue", approvals__kind="chair", approvals__round=0).update(
        status="approved"
    )
    for revision in Revision.objects.filter(text_sha256="").iterator():
        Revision.objects.filter(pk=revision.pk).update(text_sha256=_sha(revision.snapshot))


def backwards(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    StatusChange = apps.get_model("agreements", "StatusChange")
    Agreement.objects.filter(status="approved").update(status="in_dialogue")
    # History is kept: the approval step reads as the dialogue it was part of before.
    StatusChange.objects.filter(to_status="approved").update(to_status="in_dialogue")
    StatusChange.objects.filter(from_status="approved").update(from_status="in_dialogue")


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='approval',
            name='text_sha256',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='SHA-256 of the text'),
        ),
        migrations.AddField(
            model_name='revision',
            name='text_sha256',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='agreement',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_dialogue', 'In dialogue'), ('approved', 'Approved'), ('agreed', 'Agreed'), ('active', 'Active'), ('evaluated', 'Evaluated'), ('archived', 'Archived')], default='draft', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='from_status',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('in_dialogue', 'In dialogue'), ('approved', 'Approved'), ('agreed', 'Agreed'), ('active', 'Active'), ('evaluated', 'Evaluated'), ('archived', 'Archived')], max_length=20),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='to_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('in_dialogue', 'In dialogue'), ('approved', 'Approved'), ('agreed', 'Agreed'), ('active', 'Active'), ('evaluated', 'Evaluated'), ('archived', 'Archived')], max_length=20),
        ),
        migrations.RunPython(forwards, backwards),
    ]
