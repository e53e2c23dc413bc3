"""Builders for meetings tests: a meeting, a visit time, a booking, on the `org` cast."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from meetings import services
from meetings.kinds import kind as meeting_kind
from meetings.models import Booking, Meeting, MeetingKind, VisitSlot
from meetings.visits import services as visit_services


def kind(slug: str = MeetingKind.DIALOGUE) -> MeetingKind:
    # Transactional tests empty the tables, data migrations included.
    return meeting_kind(slug)


def at(days: float, hour: int = 10, minute: int = 0) -> dt.datetime:
    """Copenhagen wall-clock time `days` from today."""
    day = timezone.localdate() + dt.timedelta(days=int(days))
    return services.local_datetime(day, dt.time(hour, minute))


def meeting(org, *, days: float = 14, slug: str = MeetingKind.DIALOGUE, **extra) -> Meeting:
    """A committee meeting of org.committee hosted by org.workplace, organised by the chair:
    the chair, the member and the leader are invited."""
    values = {
        "kind": kind(slug),
        "title": "Dialogmøde om trivsel",
        "organiser": org.chair,
        "starts_at": at(days, 16),
        "ends_at": at(days, 18),
        "committee": org.committee,
        "host": org.workplace,
        "purpose": "At lære skolen at kende.",
        "nothing_at_stake": True,
        "preparation_notes": "Medarbejderne viser rundt.",
        **extra,
    }
    return services.meeting_create(**values)


def slot(org, *, days: float = 10, hour: int = 10, capacity: int = 1, workplace=None, **extra) -> VisitSlot:
    return VisitSlot.objects.create(
        workplace=workplace or org.workplace,
        starts_at=at(days, hour),
        ends_at=at(days, hour + 1),
        capacity=capacity,
        min_notice_hours=extra.pop("min_notice_hours", 24),
        created_by=org.leader,
        **extra,
    )


def booking(org, *, member=None, **slot_args) -> Booking:
    return visit_services.visit_book(slot_id=slot(org, **slot_args).pk, member=member or org.member)


def locked_minutes(meeting_, author) -> Meeting:
    services.minutes_save(meeting=meeting_, author=author, text="Første udkast.", based_on_version=0)
    services.minutes_save(meeting=meeting_, author=author, text="Første udkast.\nRettet.", based_on_version=1)
    services.minutes_lock(meeting=meeting_, actor=author)
    return meeting_


def bulk_meetings(org, count: int, *, start: dt.datetime, every_hours: int = 1, title: str = "Møde") -> list[Meeting]:
    """`count` half-hour meetings of org.committee at org.workplace, one every few hours
    from `start`, titled "<title> <n>": the large data sets of list and query-count tests."""
    return Meeting.objects.bulk_create(
        [
            Meeting(
                kind=kind(),
                title=f"{title} {n}",
                committee=org.committee,
                host=org.workplace,
                organiser=org.chair,
                starts_at=start + dt.timedelta(hours=every_hours * n),
                ends_at=start + dt.timedelta(hours=every_hours * n, minutes=30),
            )
            for n in range(count)
        ]
    )
