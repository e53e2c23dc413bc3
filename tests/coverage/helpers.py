"""Builders for coverage tests: held meetings at workplaces, and an independent count."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from meetings.kinds import kind as meeting_kind
from meetings.models import Meeting, Participant


def at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def held(*, host, days_ago: int, kind: str = "visit", others=(), politicians=(), committee=None, status="held"):
    """A meeting `days_ago` days back at `host` (and `others`), with politicians taking part."""
    starts = at(days_ago)
    meeting = Meeting.objects.create(
        kind=meeting_kind(kind),
        title=f"{kind} {host}",
        host=host,
        committee=committee,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        status=status,
        held_at=starts + dt.timedelta(hours=2) if status == "held" else None,
    )
    if others:
        meeting.workplaces.set(others)
    Participant.objects.bulk_create(
        [
            Participant(meeting=meeting, person=person, role=Participant.MeetingRole.POLITICIAN, response="yes")
            for person in politicians
        ]
    )
    return meeting
