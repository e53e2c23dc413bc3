"""The "please sign" emails move to the one outbox (outbox.Email, family "codex.sign_reminder").

Forward: every email still queued and unsent is carried over under the key the code now
writes, with its round as topic; sent, skipped and failed rows are history and stay
counted in their round's `recipients` (the progress page then counts the outbox rows).
The table is dropped last, so a failure before it drops nothing.

Backward: the table comes back and the outbox's waiting codex rows go back into it (and
leave the outbox, so nothing is sent twice).
"""

from django.db import migrations

FAMILY = "codex.sign_reminder"


def forward(apps, schema_editor):
    ReminderEmail = apps.get_model("codex", "ReminderEmail")
    Email = apps.get_model("outbox", "Email")
    rows = [
        Email(
            key=f"{FAMILY}:{r.version_id}:{r.number}:{r.person_id}",
            family=FAMILY,
            topic=f"codex.round:{r.round_id}",
            recipient_id=r.person_id,
            params={"version": r.version_id, "number": r.number},
        )
        for r in ReminderEmail.objects.filter(status="queued", sent_at=None).iterator()
    ]
    Email.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def backward(apps, schema_editor):
    ReminderEmail = apps.get_model("codex", "ReminderEmail")
    Email = apps.get_model("outbox", "Email")
    waiting = Email.objects.filter(family=FAMILY, outcome="pending").exclude(recipient=None)
    ReminderEmail.objects.bulk_create(
        [
            ReminderEmail(
                round_id=int(e.topic.split(":", 1)[1]),
                version_id=e.params["version"],
                number=e.params["number"],
                person_id=e.recipient_id,
            )
            for e in waiting.iterator()
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    waiting.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("codex", "0005_remove_signature_personal_fields"),
        ("outbox", "0001_outbox_email"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="ReminderEmail"),
    ]
