"""Deadline reminders move to the one outbox (outbox.Email, family "agreements.deadline_reminder").

Forward: rows not yet sent (sent_at empty: the old code set it as its claim, so these were
never claimed) are carried over under the key the code now writes; sent rows are history
and not copied — the beat's next run offers today's reminders again, and the key the
copied and the new rows share keeps each to one email. The table is dropped last.

Backward: the table comes back and the outbox's waiting deadline reminders go back into it
(and leave the outbox, so nothing is sent twice).
"""

from django.db import migrations

FAMILY = "agreements.deadline_reminder"


def forward(apps, schema_editor):
    DeadlineReminder = apps.get_model("agreements", "DeadlineReminder")
    Email = apps.get_model("outbox", "Email")
    Email.objects.bulk_create(
        [
            Email(
                key=f"{FAMILY}:{r.agreement_id}:{r.deadline_id}:{r.person_id}",
                family=FAMILY,
                recipient_id=r.person_id,
                params={"agreement": r.agreement_id, "deadline": r.deadline_id},
                created_at=r.created_at,
                due_at=r.created_at,
                next_attempt_at=r.created_at,
            )
            for r in DeadlineReminder.objects.filter(sent_at=None).iterator()
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def backward(apps, schema_editor):
    DeadlineReminder = apps.get_model("agreements", "DeadlineReminder")
    Email = apps.get_model("outbox", "Email")
    waiting = Email.objects.filter(family=FAMILY, outcome="pending").exclude(recipient=None)
    DeadlineReminder.objects.bulk_create(
        [
            DeadlineReminder(
                agreement_id=e.params["agreement"], deadline_id=e.params["deadline"], person_id=e.recipient_id
            )
            for e in waiting.iterator()
        ],
        ignore_conflicts=True,
    )
    waiting.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
        ("outbox", "0001_outbox_email"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="DeadlineReminder"),
    ]
