"""Reminders: before a meeting (settings.MEETING_REMINDERS, default 7 days and 1 day) and
"minutes missing" to the organiser (settings.MEETING_MINUTES_MISSING_AFTER, default 2 days
after a meeting that took place without locked minutes).

No reminder is a delayed broker message. The beat task (meetings.tasks.scan_reminders,
every few minutes) asks the database what is due, records each due reminder as a
`Reminder` row — unique per (meeting, person, kind, start time it was for) — and queues
batches of row ids; each row is claimed before its email goes (meetings/delivery.py).

A reminder is due relative to the meeting's start: moving the meeting makes a new start
time, so a new row; the row for the old start is skipped when it comes to sending.
People who declined, people who turned the kind off and cancelled meetings get none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samspil.mail import build_templated_mail

from . import delivery
from .calendar import meeting_url
from .models import Meeting, Minutes, Participant, Reminder, ReminderOptOut

ACTIVE = [Meeting.Status.PLANNED, Meeting.Status.CONFIRMED]
BATCH_SIZE = 50
QUEUE_SLICE = 5000  # ids taken per query when queueing (meetings.tasks.scan_reminders)


@dataclass(frozen=True)
class ReminderKind:
    key: str
    label: str
    before: dt.timedelta | None = None  # None: minutes missing


def kind_key(before: dt.timedelta) -> str:
    seconds = int(before.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"


def _before_label(before: dt.timedelta) -> str:
    seconds = int(before.total_seconds())
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(n)s day before", "%(n)s days before", days) % {"n": days}
    hours = seconds // 3600
    return ngettext("%(n)s hour before", "%(n)s hours before", hours) % {"n": hours}


def before_kinds() -> list[ReminderKind]:
    """The "before the meeting" kinds, longest first."""
    offsets = sorted(settings.MEETING_REMINDERS, reverse=True)
    return [ReminderKind(kind_key(before), _before_label(before), before) for before in offsets]


def all_kinds() -> list[ReminderKind]:
    return [*before_kinds(), ReminderKind(Reminder.MINUTES_MISSING, str(_("Minutes missing (to the organiser)")))]


# --- Finding what is due ------------------------------------------------------------------


def _opted_out(kind: str):
    return Exists(ReminderOptOut.objects.filter(person_id=OuterRef("person_id"), kind=kind))


def record_due(now: dt.datetime | None = None) -> int:
    """Write a row for every reminder due now; rows that exist already are left alone.

    A "before" reminder is due from `start - offset` until the next shorter reminder is
    due (a 7-day reminder is not sent 20 hours before the meeting: the 1-day one is).
    """
    now = now or timezone.now()
    rows: list[Reminder] = []
    kinds = before_kinds()
    for index, kind in enumerate(kinds):
        later = kinds[index + 1].before if index + 1 < len(kinds) else dt.timedelta(0)
        due = (
            Participant.objects.filter(
                meeting__status__in=ACTIVE,
                meeting__starts_at__lte=now + kind.before,
                meeting__starts_at__gt=now + later,
            )
            .exclude(response=Participant.Response.NO)
            .exclude(person__email="")
            .filter(person__is_active=True)
            .exclude(_opted_out(kind.key))
            .values_list("meeting_id", "person_id", "meeting__starts_at")
        )
        rows += [
            Reminder(meeting_id=m, person_id=p, kind=kind.key, due_for=start, next_attempt_at=now)
            for m, p, start in due
        ]
    after = settings.MEETING_MINUTES_MISSING_AFTER
    missing = (
        Meeting.objects.filter(
            ends_at__lte=now - after,
            # Only recent meetings: a new installation does not nag about last year.
            ends_at__gt=now - after - dt.timedelta(days=30),
            organiser__isnull=False,
            organiser__is_active=True,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(minutes__isnull=True) | ~Q(minutes__status=Minutes.Status.LOCKED))
        .exclude(
            Exists(ReminderOptOut.objects.filter(person_id=OuterRef("organiser_id"), kind=Reminder.MINUTES_MISSING))
        )
        .values_list("pk", "organiser_id", "starts_at")
    )
    rows += [
        Reminder(meeting_id=m, person_id=p, kind=Reminder.MINUTES_MISSING, due_for=start, next_attempt_at=now)
        for m, p, start in missing
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def take_for_queueing(model, now: dt.datetime | None = None) -> list[int]:
    """Ids of rows to queue now: waiting, due, unclaimed (or a stale claim), and not queued
    within the claim timeout (so a backlog in the broker is not queued again and again)."""
    now = now or timezone.now()
    stale = now - delivery.claim_timeout()
    ids = list(
        delivery.claimable(model, now)
        .filter(Q(queued_at=None) | Q(queued_at__lt=stale))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:QUEUE_SLICE]
    )
    if ids:
        model.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


# --- Sending ------------------------------------------------------------------------------


class Facts:
    """What deciding whether a reminder still goes needs, read for several rows at once
    (three queries, not three per email): the people's opt-outs, the participants' replies
    and which meetings have locked minutes."""

    def __init__(self, rows: list[Reminder]):
        meeting_ids = {row.meeting_id for row in rows}
        person_ids = {row.person_id for row in rows}
        self.opted_out = set(ReminderOptOut.objects.filter(person_id__in=person_ids).values_list("person_id", "kind"))
        self.responses = dict(
            (
                ((m, p), response)
                for m, p, response in Participant.objects.filter(
                    meeting_id__in=meeting_ids, person_id__in=person_ids
                ).values_list("meeting_id", "person_id", "response")
            )
        )
        self.locked = set(
            Minutes.objects.filter(meeting_id__in=meeting_ids, status=Minutes.Status.LOCKED).values_list(
                "meeting_id", flat=True
            )
        )


def build_reminder_email(row: Reminder, facts: Facts | None = None):
    """The email for one reminder row, or why it is no longer needed."""
    facts = facts or Facts([row])
    meeting, person = row.meeting, row.person
    if not person.email or not person.is_active:
        return "no email address"
    if (person.pk, row.kind) in facts.opted_out:
        return "turned off by the person"
    if row.kind == Reminder.MINUTES_MISSING:
        if meeting.is_cancelled:
            return "the meeting is cancelled"
        if meeting.pk in facts.locked:
            return "the minutes are locked"
        template = "meetings/email/reminder_minutes"
    else:
        if meeting.status not in ACTIVE:
            return "the meeting is cancelled or held"
        if meeting.starts_at != row.due_for:
            return "the meeting has moved"
        if meeting.starts_at <= timezone.now():
            return "the meeting has started"
        response = facts.responses.get((meeting.pk, person.pk))
        if response is None:
            return "no longer a participant"
        if response == Participant.Response.NO:
            return "declined"
        template = "meetings/email/reminder"
    message = build_templated_mail(
        template,
        to=person.email,
        context={
            "meeting": meeting,
            "person": person,
            "meeting_url": meeting_url(meeting),
            "minutes_url": settings.SITE_URL + reverse("meetings:minutes_edit", args=[meeting.pk]),
            "preferences_url": settings.SITE_URL + reverse("meetings:calendar"),
        },
    )
    message.extra_headers["Message-ID"] = delivery.message_id("reminder", row.pk)
    return message


def _prepare(ids: list[int]):
    loaded = Reminder.objects.select_related("meeting", "person").in_bulk(ids)
    rows = {pk: loaded[pk] for pk in ids if pk in loaded}
    facts = Facts(list(rows.values()))
    return rows, lambda row: build_reminder_email(row, facts)


def send_rows(ids: list[int]) -> dict[str, int]:
    """Send a batch over one SMTP session, reading rows and facts ten at a time (four
    queries per ten emails instead of three per email); each email is claimed, sent and
    marked on its own (meetings/delivery.py). A row read here may be claimed or finished by
    someone else meanwhile: the claim decides."""
    return delivery.deliver_batch(Reminder, ids, _prepare)


# --- Preferences --------------------------------------------------------------------------


def turned_off(person) -> set[str]:
    return set(ReminderOptOut.objects.filter(person=person).values_list("kind", flat=True))


def preferences_save(*, person, enabled: set[str]) -> None:
    """Turn reminder kinds on (`enabled`) and every other known kind off."""
    known = {kind.key for kind in all_kinds()}
    off = known - set(enabled)
    ReminderOptOut.objects.filter(person=person).exclude(kind__in=off).delete()
    ReminderOptOut.objects.bulk_create(
        [ReminderOptOut(person=person, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )
