"""Deadline reminders from the template's cycle: exactly once per agreement, deadline and person."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.core import mail

from agreements import tasks
from agreements.models import CycleDeadline
from outbox.models import Email
from outbox.tasks import send_batch

from .helpers import make_agreement, make_template


@pytest.mark.django_db
def test_beat_reminds_the_leader_once_however_often_it_runs(org, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    template = make_template()
    CycleDeadline.objects.create(template=template, kind="draft_due", due_on=dt.date(2026, 12, 5), label="Udkast klar")
    make_agreement(org, template=template)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        for _run in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.queue_deadline_reminders.apply()
    assert [m.to for m in mail.outbox] == [[org.leader.email]]
    assert "Udkast klar" in mail.outbox[0].subject
    # Already sent rows are never sent again, even when a batch is delivered twice.
    assert Email.objects.get(family="agreements.deadline_reminder").outcome == "sent"
    assert send_batch.apply().result == {}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_reminder_outside_the_window_or_for_agreements_past_the_step(
    org, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    template = make_template()
    CycleDeadline.objects.create(template=template, kind="draft_due", due_on=dt.date(2026, 12, 20))
    CycleDeadline.objects.create(template=template, kind="signatures_due", due_on=dt.date(2026, 12, 3))
    make_agreement(org, template=template)  # a draft: the signatures deadline is not its step
    with (
        time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.queue_deadline_reminders.apply()
    assert mail.outbox == []
    assert not Email.objects.filter(family="agreements.deadline_reminder").exists()


@pytest.mark.worker
def test_a_real_worker_sends_each_reminder_exactly_once(org, celery_worker_process, smtp_server):
    template = make_template()
    CycleDeadline.objects.create(
        template=template, kind="signatures_due", due_on=dt.date.today() + dt.timedelta(days=2)
    )
    make_agreement(org, "in_dialogue", template=template)
    # Sending it to dialogue told the politicians (notifications/): only the reminders here.
    Email.objects.exclude(family="agreements.deadline_reminder").delete()
    celery_worker_process(concurrency=2)
    # Beat runs twice (for example two overlapping runs): the outbox still sends once per person.
    tasks.queue_deadline_reminders()
    tasks.queue_deadline_reminders()
    messages = smtp_server.wait_for(2)
    time.sleep(2)  # any duplicate would arrive now
    recipients = sorted(address for m in smtp_server.messages for address in m["to"])
    assert recipients == sorted([org.leader.email, org.centre_head.email])
    rows = Email.objects.filter(family="agreements.deadline_reminder")
    assert rows.count() == 2 and all(r.sent_at for r in rows)
    assert len(messages) == 2
