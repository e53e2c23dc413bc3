"""The weekly digests move to the one outbox (outbox.Email, family "stories.digest").

Forward: digests neither claimed nor sent are carried over under the key the code now
writes; a digest claimed but not sent was, under the old code, never sent again (at most
once) and is carried over too — the one outbox retries it. Sent digests are history and
not copied. The table is dropped last.

Backward: the table comes back and the outbox's waiting digests go back into it (and
leave the outbox, so nothing is sent twice).
"""

from django.db import migrations

FAMILY = "stories.digest"


def forward(apps, schema_editor):
    DigestOutbox = apps.get_model("stories", "DigestOutbox")
    Email = apps.get_model("outbox", "Email")
    Email.objects.bulk_create(
        [
            Email(
                key=f"{FAMILY}:{d.week}:{d.person_id}",
                family=FAMILY,
                recipient_id=d.person_id,
                params={"week": d.week, "story_ids": d.story_ids},
                created_at=d.created_at,
                due_at=d.created_at,
                next_attempt_at=d.created_at,
            )
            for d in DigestOutbox.objects.filter(sent_at=None).iterator()
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def backward(apps, schema_editor):
    DigestOutbox = apps.get_model("stories", "DigestOutbox")
    Email = apps.get_model("outbox", "Email")
    waiting = Email.objects.filter(family=FAMILY, outcome="pending").exclude(recipient=None)
    DigestOutbox.objects.bulk_create(
        [
            DigestOutbox(person_id=e.recipient_id, week=e.params["week"], story_ids=e.params["story_ids"])
            for e in waiting.iterator()
        ],
        ignore_conflicts=True,
    )
    waiting.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0001_initial"),
        ("outbox", "0001_outbox_email"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="DigestOutbox"),
    ]
