"""Reminders: before a meeting (settings.MEETING_REMINDERS, default 7 days and 1 day) and
"minutes missing" to the organiser (settings.MEETING_MINUTES_MISSING_AFTER, default 2 days
after a meeting that took place without locked minutes).

No reminder is a delayed broker message. The beat task (meetings.tasks.scan_reminders, in meetings/calendars/tasks.py,
every minute) asks the database what is due and enqueues each due reminder in the one
outbox (outbox/services.py; family "meetings.reminder") under a key unique per (meeting,
person, kind, start time it was for); the outbox claims each row before its email goes.

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

from outbox.models import Email
from outbox.services import enqueue_many
from samspil.mail import build_templated_mail

from ..models import Meeting, Minutes, Participant
from .ics import meeting_url
from .models import ReminderOptOut

FAMILY = "meetings.reminder"
MINUTES_MISSING = "minutes-missing"
ACTIVE = [Meeting.Status.PLANNED, Meeting.Status.CONFIRMED]


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
    return [*before_kinds(), ReminderKind(MINUTES_MISSING, str(_("Minutes missing (to the organiser)")))]


# --- Finding what is due ------------------------------------------------------------------


def _opted_out(kind: str):
    return Exists(ReminderOptOut.objects.filter(person_id=OuterRef("person_id"), kind=kind))


def reminder_key(meeting_id: int, person_id: int, kind: str, due_for: dt.datetime) -> str:
    """One reminder per meeting, person, kind and the start time it was for."""
    return f"{FAMILY}:{meeting_id}:{person_id}:{kind}:{int(due_for.timestamp())}"


def _row(meeting_id: int, person_id: int, kind: str, start: dt.datetime, now: dt.datetime) -> dict:
    return {
        "family": FAMILY,
        "key": reminder_key(meeting_id, person_id, kind, start),
        "topic": f"meetings.meeting:{meeting_id}",
        "recipient": person_id,
        "params": {"meeting": meeting_id, "kind": kind, "due_for": start.isoformat()},
        "due_at": now,
    }


def record_due(now: dt.datetime | None = None) -> int:
    """Enqueue every reminder due now; keys that exist already are left alone.

    A "before" reminder is due from `start - offset` until the next shorter reminder is
    due (a 7-day reminder is not sent 20 hours before the meeting: the 1-day one is).
    """
    now = now or timezone.now()
    rows: list[dict] = []
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
        rows += [_row(m, p, kind.key, start, now) for m, p, start in due]
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
        .exclude(Exists(ReminderOptOut.objects.filter(person_id=OuterRef("organiser_id"), kind=MINUTES_MISSING)))
        .values_list("pk", "organiser_id", "starts_at")
    )
    rows += [_row(m, p, MINUTES_MISSING, start, now) for m, p, start in missing]
    return enqueue_many(rows) if rows else 0


# --- Sending ------------------------------------------------------------------------------


class Facts:
    """What deciding whether a reminder still goes needs, read for several rows at once
    (three queries, not three per email): the people's opt-outs, the participants' replies
    and which meetings have locked minutes."""

    def __init__(self, meeting_ids: set[int], person_ids: set[int]):
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


def prepare_reminders(rows: list[Email]) -> None:
    """Read the meetings and the facts for a chunk of rows at once (outbox/families.py):
    five queries per chunk instead of five per email. What is read is at most a chunk's
    sends old (a fraction of a second), so a meeting moved or cancelled meanwhile is seen."""
    meetings = Meeting.objects.in_bulk({row.params["meeting"] for row in rows})
    facts = Facts(set(meetings), {row.recipient_id for row in rows if row.recipient_id})
    for row in rows:
        row.prepared = (meetings.get(row.params["meeting"]), facts)


def build_reminder_email(row: Email):
    """The email for one reminder row, or why it is no longer needed (read at send time)."""
    if hasattr(row, "prepared"):
        meeting, facts = row.prepared
    else:
        meeting, facts = Meeting.objects.filter(pk=row.params["meeting"]).first(), None
    person, kind = row.recipient, row.params["kind"]
    if meeting is None:
        return "the meeting was deleted"
    if person is None or not person.email or not person.is_active:
        return "no email address"
    facts = facts or Facts({meeting.pk}, {person.pk})
    if (person.pk, kind) in facts.opted_out:
        return "turned off by the person"
    if kind == MINUTES_MISSING:
        if meeting.is_cancelled:
            return "the meeting is cancelled"
        if meeting.pk in facts.locked:
            return "the minutes are locked"
        template = "meetings/email/reminder_minutes"
    else:
        if meeting.status not in ACTIVE:
            return "the meeting is cancelled or held"
        if meeting.starts_at != dt.datetime.fromisoformat(row.params["due_for"]):
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
    return message


def register() -> None:
    from outbox import families

    families.register(FAMILY, build_reminder_email, prepare=prepare_reminders)
