"""Calendar emails and reminders move to the one outbox (outbox.Email).

Forward: every row still waiting (outcome '') is carried over as an outbox row with the
same key the code now writes (so a producer running right after the upgrade finds it and
adds no second one), its attempts and its next attempt; rows already sent, skipped or
failed are history and are not copied (the meeting's log keeps what happened). Then the
two tables are dropped — last, so a failure before them drops nothing.

Backward: the tables come back and the outbox's waiting meetings rows go back into them
(and leave the outbox, so nothing is sent twice). Booking notices queued as Celery
messages by the old code (meetings.notifications.send_notice) are not in any table; the
few in flight during an upgrade are dropped by the worker as unknown tasks.
"""

import datetime as dt

from django.db import migrations


def _ts(value):
    return int(value.timestamp())


def forward(apps, schema_editor):
    CalendarMessage = apps.get_model("meetings", "CalendarMessage")
    Reminder = apps.get_model("meetings", "Reminder")
    Email = apps.get_model("outbox", "Email")
    rows = []
    for m in CalendarMessage.objects.filter(outcome="").iterator():
        rows.append(
            Email(
                key=f"meetings.calendar:{m.meeting_id}:{m.person_id}:{m.sequence}:{m.method}",
                family="meetings.calendar",
                topic=f"meetings.meeting:{m.meeting_id}",
                recipient_id=m.person_id,
                params={"meeting": m.meeting_id, "sequence": m.sequence, "method": m.method},
                created_at=m.created_at,
                due_at=m.created_at,
                next_attempt_at=m.next_attempt_at,
                attempts=m.attempts,
                last_error=m.last_error,
            )
        )
    for r in Reminder.objects.filter(outcome="").iterator():
        rows.append(
            Email(
                key=f"meetings.reminder:{r.meeting_id}:{r.person_id}:{r.kind}:{_ts(r.due_for)}",
                family="meetings.reminder",
                topic=f"meetings.meeting:{r.meeting_id}",
                recipient_id=r.person_id,
                params={"meeting": r.meeting_id, "kind": r.kind, "due_for": r.due_for.isoformat()},
                created_at=r.created_at,
                due_at=r.created_at,
                next_attempt_at=r.next_attempt_at,
                attempts=r.attempts,
                last_error=r.last_error,
            )
        )
    Email.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def backward(apps, schema_editor):
    CalendarMessage = apps.get_model("meetings", "CalendarMessage")
    Reminder = apps.get_model("meetings", "Reminder")
    Email = apps.get_model("outbox", "Email")
    waiting = Email.objects.filter(family__in=["meetings.calendar", "meetings.reminder"], outcome="pending")
    calendar, reminders = [], []
    for e in waiting.iterator():
        p = e.params
        common = dict(
            meeting_id=p["meeting"],
            person_id=e.recipient_id,
            created_at=e.created_at,
            next_attempt_at=e.next_attempt_at,
            attempts=e.attempts,
            last_error=e.last_error,
        )
        if e.recipient_id is None:
            continue
        if e.family == "meetings.calendar":
            calendar.append(CalendarMessage(sequence=p["sequence"], method=p["method"], **common))
        else:
            reminders.append(Reminder(kind=p["kind"], due_for=dt.datetime.fromisoformat(p["due_for"]), **common))
    CalendarMessage.objects.bulk_create(calendar, ignore_conflicts=True, batch_size=1000)
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=1000)
    waiting.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_meeting_ends_index"),
        ("outbox", "0001_outbox_email"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="CalendarMessage"),
        migrations.DeleteModel(name="Reminder"),
    ]
