"""The monthly digests move to the one outbox (outbox.Email, family "coverage.digest").

Forward: digests neither claimed nor sent are carried over under the key the code now
writes; sent or claimed ones are history (the old code never sent a claimed row again)
and are not copied. The table is dropped last.

Backward: the table comes back and the outbox's waiting digests go back into it (and
leave the outbox, so nothing is sent twice).
"""

import datetime as dt

from django.db import migrations

FAMILY = "coverage.digest"


def forward(apps, schema_editor):
    DigestDelivery = apps.get_model("coverage", "DigestDelivery")
    Email = apps.get_model("outbox", "Email")
    Email.objects.bulk_create(
        [
            Email(
                key=f"{FAMILY}:{d.month:%Y-%m}:{d.topic}:{d.recipient_id}",
                family=FAMILY,
                recipient_id=d.recipient_id,
                params={"month": d.month.isoformat(), "topic": d.topic},
                created_at=d.created_at,
                due_at=d.created_at,
                next_attempt_at=d.created_at,
            )
            for d in DigestDelivery.objects.filter(sent_at=None, claimed_at=None).iterator()
        ],
        ignore_conflicts=True,
    )


def backward(apps, schema_editor):
    DigestDelivery = apps.get_model("coverage", "DigestDelivery")
    Email = apps.get_model("outbox", "Email")
    waiting = Email.objects.filter(family=FAMILY, outcome="pending").exclude(recipient=None)
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(
                recipient_id=e.recipient_id,
                month=dt.date.fromisoformat(e.params["month"]),
                topic=e.params["topic"],
            )
            for e in waiting.iterator()
        ],
        ignore_conflicts=True,
    )
    waiting.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0002_data_version"),
        ("outbox", "0001_outbox_email"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="DigestDelivery"),
    ]
