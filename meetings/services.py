"""Writes across meetings, minutes, visit times and bookings.

Each service owns its transaction. Concurrency is the database's job: a booking locks
its visit time's row and the member's row (`select_for_update`) and counts under the
lock; a partial unique constraint backs the "one active booking per member and time".
"""

from __future__ import annotations

import datetime as dt
import difflib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisation.models import Membership, Role

from .kinds import kind as meeting_kind
from .models import (
    AgendaItem,
    BlockedPeriod,
    Booking,
    Meeting,
    MeetingKind,
    MeetingLogEntry,
    MeetingSeries,
    Minutes,
    MinutesVersion,
    Participant,
    VisitSlot,
)

User = get_user_model()

# Changing one of these changes the calendar event: SEQUENCE goes up.
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "status", "title", "host")


def log(*, action: str, actor=None, meeting=None, booking=None, slot=None, notify: bool = False, **detail):
    entry = MeetingLogEntry.objects.create(
        action=action, actor=actor, meeting=meeting, booking=booking, slot=slot, detail=detail
    )
    if notify:
        from .notifications import enqueue_notice

        enqueue_notice(entry)  # booking emails to the leaders or the member (outbox rows)
    from .invitations import calendar_mail_for

    calendar_mail_for(entry)  # invitations, updates, cancellations with .ics (outbox rows)
    return entry


def _local(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- Meetings ----------------------------------------------------------------------------


def default_participants(*, kind: MeetingKind, committee=None, host=None, workplaces: Iterable = ()) -> list[tuple]:
    """Who a new meeting invites: the committee's current politicians and the leaders
    of the host and participating workplaces."""
    people: list[tuple] = []
    if committee is not None:
        for m in Membership.objects.current().filter(committee=committee).select_related("person"):
            people.append((m.person, Participant.MeetingRole.POLITICIAN))
    workplace_ids = [w.pk for w in workplaces]
    if host is not None:
        workplace_ids.insert(0, host.pk)
    if workplace_ids:
        leaders = Membership.objects.current().filter(workplace_id__in=workplace_ids, role=Role.WORKPLACE_LEADER)
        for m in leaders.select_related("person"):
            role = (
                Participant.MeetingRole.HOST
                if host is not None and m.workplace_id == host.pk
                else (Participant.MeetingRole.GUEST)
            )
            people.append((m.person, role))
    return people


def meeting_create(
    *,
    kind: MeetingKind,
    title: str,
    organiser,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    committee=None,
    host=None,
    workplaces: Iterable = (),
    place: str = "",
    purpose: str = "",
    framing: str = "",
    nothing_at_stake: bool = False,
    preparation_notes: str = "",
    series: MeetingSeries | None = None,
    invite_defaults: bool = True,
    agenda: Iterable[dict] = (),
) -> Meeting:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    workplaces = list(workplaces)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            title=title,
            organiser=organiser,
            starts_at=starts_at,
            ends_at=ends_at,
            committee=committee,
            host=host,
            place=place,
            purpose=purpose,
            framing=framing,
            nothing_at_stake=nothing_at_stake,
            preparation_notes=preparation_notes,
            series=series,
        )
        if workplaces:
            meeting.workplaces.set(workplaces)
        people = {organiser.pk: (organiser, Participant.MeetingRole.ORGANISER)} if organiser else {}
        if invite_defaults:
            for person, role in default_participants(kind=kind, committee=committee, host=host, workplaces=workplaces):
                people.setdefault(person.pk, (person, role))
        now = timezone.now()
        Participant.objects.bulk_create(
            [
                Participant(
                    meeting=meeting,
                    person=person,
                    role=role,
                    response=Participant.Response.YES if person == organiser else Participant.Response.NONE,
                    responded_at=now if person == organiser else None,
                )
                for person, role in people.values()
            ]
        )
        if kind.slug == MeetingKind.COMMITTEE_AT_WORKPLACE and host is not None and not agenda:
            # The host presents the place: every committee meeting at a workplace starts so.
            agenda = [{"title": _("The workplace presents itself (presentation and tour)"), "is_presentation": True}]
        if kind.slug == MeetingKind.SCHOOL_DEVELOPMENT and host is not None and not agenda:
            agenda = school_development_agenda(host=host, before=starts_at)
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, order=index, **item) for index, item in enumerate(agenda, start=1)]
        )
        log(action="meeting.created", actor=organiser, meeting=meeting)
    return meeting


def school_development_agenda(*, host, before: dt.datetime) -> list[dict]:
    """The school development conversation: last year's conclusions carry over, the
    leader proposes topics first, then the committee adds its own."""
    previous = (
        Minutes.objects.filter(
            meeting__host=host,
            meeting__kind__slug=MeetingKind.SCHOOL_DEVELOPMENT,
            meeting__starts_at__lt=before,
            status=Minutes.Status.LOCKED,
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    agenda = []
    if previous is not None:
        agenda.append(
            {
                "title": _("Follow-up on the conclusions of %(date)s")
                % {"date": date_format(timezone.localtime(previous.meeting.starts_at), "SHORT_DATE_FORMAT")},
                "description": previous.text,
                "proposed_by": AgendaItem.ProposedBy.ORGANISER,
            }
        )
    agenda.append({"title": _("The school's topics"), "proposed_by": AgendaItem.ProposedBy.WORKPLACE})
    agenda.append({"title": _("The committee's topics"), "proposed_by": AgendaItem.ProposedBy.COMMITTEE})
    agenda.append({"title": _("Conclusions and follow-up"), "proposed_by": AgendaItem.ProposedBy.ORGANISER})
    return agenda


def meeting_update(*, meeting: Meeting, actor, **changes) -> Meeting:
    """Change a meeting; a change of time, place, title or status raises SEQUENCE."""
    workplaces = changes.pop("workplaces", None)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("A cancelled meeting cannot be changed."))
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if locked.visit_slot_id and {"starts_at", "ends_at"} & set(changed):
            # A booked visit follows its visit time; the politician moves the booking.
            raise ValidationError({"starts_at": _("A booked visit keeps its visit time: move the booking instead.")})
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.ends_at <= locked.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
        if any(name in CALENDAR_FIELDS for name in changed):
            locked.sequence = F("sequence") + 1
        locked.save()
        if workplaces is not None:
            locked.workplaces.set(workplaces)
        if changed:
            log(action="meeting.changed", actor=actor, meeting=locked, fields=changed)
    locked.refresh_from_db()
    return locked


def _set_status(*, meeting: Meeting, actor, status: str, allowed_from: Iterable[str], **extra) -> Meeting:
    with transaction.atomic():
        updated = Meeting.objects.filter(pk=meeting.pk, status__in=list(allowed_from)).update(
            status=status, sequence=F("sequence") + 1, updated_at=timezone.now(), **extra
        )
        if not updated:
            raise ValidationError(_("The meeting is already %(status)s.") % {"status": meeting.get_status_display()})
        meeting.refresh_from_db()
        log(action=f"meeting.{status}", actor=actor, meeting=meeting, **{k: str(v) for k, v in extra.items()})
    return meeting


def meeting_cancel(*, meeting: Meeting, actor, reason: str) -> Meeting:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled; the participants are told.")})
    return _set_status(
        meeting=meeting,
        actor=actor,
        status=Meeting.Status.CANCELLED,
        allowed_from=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED],
        cancel_reason=reason.strip(),
        cancelled_at=timezone.now(),
    )


def meeting_confirm(*, meeting: Meeting, actor) -> Meeting:
    return _set_status(meeting=meeting, actor=actor, status=Meeting.Status.CONFIRMED, allowed_from=["planned"])


def meeting_mark_held(*, meeting: Meeting, actor) -> Meeting:
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting can be marked as held once it has started."))
    return _set_status(
        meeting=meeting,
        actor=actor,
        status=Meeting.Status.HELD,
        allowed_from=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED],
        held_at=timezone.now(),
    )


def participant_respond(*, meeting: Meeting, person, response: str) -> Participant:
    if response not in {Participant.Response.YES, Participant.Response.NO, Participant.Response.MAYBE}:
        raise ValidationError({"response": _("Answer yes, no or maybe.")})
    updated = Participant.objects.filter(meeting=meeting, person=person).update(
        response=response, responded_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("You are not invited to this meeting."))
    return Participant.objects.get(meeting=meeting, person=person)


def participant_add(*, meeting: Meeting, person, role: str, actor) -> Participant:
    participant, created = Participant.objects.get_or_create(meeting=meeting, person=person, defaults={"role": role})
    if created:
        log(action="participant.added", actor=actor, meeting=meeting, person=person.pk)
    return participant


# --- Minutes -----------------------------------------------------------------------------


class MinutesConflict(Exception):
    """Someone else saved the minutes since this editor loaded them."""


def minutes_save(*, meeting: Meeting, author, text: str, based_on_version: int) -> Minutes:
    """Save the minutes as a new version: the first save is the draft, later ones amend it.

    `based_on_version` is the version the editor loaded; the conditional update makes a
    second editor's stale save fail instead of silently overwriting the first.
    """
    with transaction.atomic():
        minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
        if minutes.is_locked:
            raise ValidationError({"text": _("The minutes are locked and can no longer change.")})
        status = Minutes.Status.DRAFT if based_on_version == 0 else Minutes.Status.AMENDED
        updated = Minutes.objects.filter(
            pk=minutes.pk, version=based_on_version, status__in=[Minutes.Status.DRAFT, Minutes.Status.AMENDED]
        ).update(text=text, status=status, version=F("version") + 1, updated_at=timezone.now())
        if not updated:
            raise MinutesConflict
        minutes.refresh_from_db()
        MinutesVersion.objects.create(minutes=minutes, number=minutes.version, status=status, text=text, author=author)
    return minutes


def minutes_lock(*, meeting: Meeting, actor) -> Minutes:
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None or minutes.version == 0:
            raise ValidationError(_("Write the minutes before you lock them."))
        if minutes.is_locked:
            raise ValidationError(_("The minutes are already locked."))
        now = timezone.now()
        minutes.status = Minutes.Status.LOCKED
        minutes.locked_at = now
        minutes.locked_by = actor
        minutes.version += 1
        minutes.updated_at = now
        minutes.save()
        MinutesVersion.objects.create(
            minutes=minutes, number=minutes.version, status=Minutes.Status.LOCKED, text=minutes.text, author=actor
        )
        log(action="minutes.locked", actor=actor, meeting=meeting, version=minutes.version)
    return minutes


@dataclass(frozen=True)
class DiffRow:
    tag: str  # equal, replace, delete, insert
    left_number: int | None
    left: str
    right_number: int | None
    right: str


def minutes_compare(left: MinutesVersion, right: MinutesVersion) -> list[DiffRow]:
    """Two versions side by side, line by line (difflib's opcodes)."""
    a, b = left.text.splitlines(), right.text.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            rows.append(
                DiffRow(
                    tag=tag,
                    left_number=i + 1 if i < i2 else None,
                    left=a[i] if i < i2 else "",
                    right_number=j + 1 if j < j2 else None,
                    right=b[j] if j < j2 else "",
                )
            )
    return rows


# --- Repeating meetings ------------------------------------------------------------------


def series_dates(series: MeetingSeries) -> list[dt.date]:
    """The dates a series falls on, between its first and last date."""
    dates: list[dt.date] = []
    if series.frequency == MeetingSeries.Frequency.WEEKLY:
        day = series.starts_on + dt.timedelta(days=(series.weekday - series.starts_on.weekday()) % 7)
        while day <= series.ends_on:
            dates.append(day)
            day += dt.timedelta(weeks=series.interval_weeks)
        return dates
    year, month = series.starts_on.year, series.starts_on.month
    while dt.date(year, month, 1) <= series.ends_on:
        day = nth_weekday(year, month, series.weekday, series.week_of_month)
        if day is not None and series.starts_on <= day <= series.ends_on:
            dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The n-th (1–4) or last (-1) given weekday of a month."""
    if n == -1:
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        last = next_month - dt.timedelta(days=1)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7) + dt.timedelta(weeks=n - 1)
    return day if day.month == month else None


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in Copenhagen on a date: 09:00 stays 09:00 in summer and winter."""
    return dt.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def series_create(
    *,
    kind: MeetingKind,
    title: str,
    organiser,
    committee=None,
    host=None,
    frequency: str,
    weekday: int,
    week_of_month: int | None = None,
    interval_weeks: int = 1,
    time_of_day: dt.time,
    duration_minutes: int,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    purpose: str = "",
) -> tuple[MeetingSeries, list[Meeting]]:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last date must be on or after the first date.")})
    if ends_on > starts_on + dt.timedelta(days=3 * 366):
        raise ValidationError({"ends_on": _("A series can run for at most three years.")})
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            kind=kind,
            title=title,
            organiser=organiser,
            committee=committee,
            host=host,
            frequency=frequency,
            weekday=weekday,
            week_of_month=week_of_month if frequency == MeetingSeries.Frequency.MONTHLY_WEEKDAY else None,
            interval_weeks=interval_weeks,
            time_of_day=time_of_day,
            duration_minutes=duration_minutes,
            starts_on=starts_on,
            ends_on=ends_on,
            place=place,
            purpose=purpose,
        )
        meetings = []
        for day in series_dates(series):
            starts_at = local_datetime(day, time_of_day)
            meetings.append(
                meeting_create(
                    kind=kind,
                    title=title,
                    organiser=organiser,
                    starts_at=starts_at,
                    # Wall-clock arithmetic on an aware datetime keeps the local time.
                    ends_at=starts_at + dt.timedelta(minutes=duration_minutes),
                    committee=committee,
                    host=host,
                    place=place,
                    purpose=purpose,
                    series=series,
                )
            )
        if not meetings:
            raise ValidationError({"starts_on": _("No date between the first and last date matches the rule.")})
    return series, meetings


# --- Visit times -------------------------------------------------------------------------


def _lock_workplace(workplace):
    from organisation.models import Workplace

    # Serialises publishing at one workplace, so two leaders cannot add overlapping times.
    return Workplace.objects.select_for_update().get(pk=workplace.pk)


def visit_slots_publish(
    *,
    workplace,
    created_by,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    min_notice_hours: int,
    repeat_weeks: int = 1,
    note: str = "",
) -> list[VisitSlot]:
    """Offer one visit time, or the same local time every week for `repeat_weeks` weeks."""
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The time must end after it starts."))
    if starts_at <= timezone.now():
        errors.setdefault("starts_at", []).append(_("The time lies in the past. Choose a time from now on."))
    if capacity < 1:
        errors.setdefault("capacity", []).append(_("At least one politician must fit."))
    if not 1 <= repeat_weeks <= 52:
        errors.setdefault("repeat_weeks", []).append(_("Repeat for 1 to 52 weeks."))
    if errors:
        raise ValidationError(errors)
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    occurrences = []
    for week in range(repeat_weeks):
        day = local_start.date() + dt.timedelta(weeks=week)
        start = local_datetime(day, local_start.time())
        end = local_datetime(day + (local_end.date() - local_start.date()), local_end.time())
        occurrences.append((start, end))
    with transaction.atomic():
        _lock_workplace(workplace)
        for start, end in occurrences:
            clash = (
                VisitSlot.objects.filter(workplace=workplace, withdrawn_at=None, starts_at__lt=end, ends_at__gt=start)
                .order_by("starts_at")
                .first()
            )
            if clash:
                raise ValidationError(
                    {
                        "starts_at": _("Overlaps the visit time %(start)s–%(end)s at this workplace.")
                        % {
                            "start": _local(clash.starts_at),
                            "end": date_format(timezone.localtime(clash.ends_at), "TIME_FORMAT"),
                        }
                    }
                )
            blocked = BlockedPeriod.objects.filter(
                workplace=workplace, starts_on__lte=end.date(), ends_on__gte=start.date()
            ).first()
            if blocked:
                raise ValidationError(
                    {
                        "starts_at": _("Falls inside the blocked period %(start)s–%(end)s (%(reason)s).")
                        % {
                            "start": date_format(blocked.starts_on, "SHORT_DATE_FORMAT"),
                            "end": date_format(blocked.ends_on, "SHORT_DATE_FORMAT"),
                            "reason": blocked.reason,
                        }
                    }
                )
        series = uuid.uuid4() if repeat_weeks > 1 else None
        slots = VisitSlot.objects.bulk_create(
            [
                VisitSlot(
                    workplace=workplace,
                    starts_at=start,
                    ends_at=end,
                    capacity=capacity,
                    min_notice_hours=min_notice_hours,
                    note=note,
                    created_by=created_by,
                    series=series,
                )
                for start, end in occurrences
            ]
        )
        log(action="visit_times.published", actor=created_by, count=len(slots), workplace=workplace.pk)
    return slots


def visit_slot_withdraw(*, slot: VisitSlot, actor) -> VisitSlot:
    with transaction.atomic():
        locked = VisitSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.bookings.filter(status=Booking.Status.BOOKED).exists():
            raise ValidationError(_("The time is booked; ask the politicians to move or cancel first."))
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        log(action="visit_time.withdrawn", actor=actor, slot=locked)
    return locked


def blocked_period_create(*, workplace, created_by, starts_on: dt.date, ends_on: dt.date, reason: str) -> BlockedPeriod:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period must end on or after its first day.")})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("The period lies in the past.")})
    with transaction.atomic():
        _lock_workplace(workplace)
        period = BlockedPeriod.objects.create(
            workplace=workplace, starts_on=starts_on, ends_on=ends_on, reason=reason, created_by=created_by
        )
        log(action="blocked_period.created", actor=created_by, workplace=workplace.pk, period=period.pk)
    return period


def blocked_period_delete(*, period: BlockedPeriod, actor) -> None:
    with transaction.atomic():
        log(action="blocked_period.deleted", actor=actor, workplace=period.workplace_id, period=period.pk)
        period.delete()


AGENDA_FIELDS = ("title", "presenter", "presenter_text", "duration_minutes", "is_presentation", "proposed_by")


def agenda_save(*, meeting: Meeting, items: list[dict], delete_ids: Iterable[int]) -> None:
    """The agenda as plain rows in their new order (`id` None for a new item); the items in
    `delete_ids` go. Rows naming another meeting's item are ignored."""
    with transaction.atomic():
        existing = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
        for pk in delete_ids:
            if pk in existing:
                existing.pop(pk).delete()
        for index, row in enumerate(items, start=1):
            if row.get("id") and row["id"] not in existing:
                continue
            item = existing.get(row.get("id")) or AgendaItem(meeting=meeting)
            for name in AGENDA_FIELDS:
                if name in row:
                    setattr(item, name, row[name])
            item.order = index
            item.save()


# --- Booking -----------------------------------------------------------------------------


class SlotTaken(Exception):
    """The visit time filled up before this request got its seat."""

    def __init__(self, slot: VisitSlot):
        super().__init__(str(slot))
        self.slot = slot


def _check_bookable(slot: VisitSlot, member, *, ignore_booking: Booking | None = None) -> None:
    """Checks made under the locks on the slot and the member."""
    now = timezone.now()
    if slot.withdrawn_at is not None:
        raise ValidationError({"slot": _("The workplace has withdrawn this time.")})
    if slot.starts_at <= now:
        raise ValidationError({"slot": _("This time has already started.")})
    if slot.starts_at - dt.timedelta(hours=slot.min_notice_hours) < now:
        raise ValidationError(
            {
                "slot": _("The workplace needs %(hours)s hours' notice: this time could be booked until %(until)s.")
                % {
                    "hours": slot.min_notice_hours,
                    "until": _local(slot.starts_at - dt.timedelta(hours=slot.min_notice_hours)),
                }
            }
        )
    if BlockedPeriod.objects.filter(
        workplace_id=slot.workplace_id,
        starts_on__lte=timezone.localtime(slot.starts_at).date(),
        ends_on__gte=timezone.localtime(slot.starts_at).date(),
    ).exists():
        raise ValidationError({"slot": _("The workplace takes no visits in this period.")})
    active = Booking.objects.filter(member=member, status=Booking.Status.BOOKED)
    if ignore_booking is not None:
        active = active.exclude(pk=ignore_booking.pk)
    if active.filter(slot=slot).exists():
        raise ValidationError({"slot": _("You have already booked this time.")})
    clash = (
        active.filter(slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at)
        .select_related("slot__workplace")
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "slot": _("You have another visit at that time: %(workplace)s, %(start)s.")
                % {"workplace": clash.slot.workplace.name, "start": _local(clash.slot.starts_at)}
            }
        )
    taken = Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).count()
    if taken >= slot.capacity:
        raise SlotTaken(slot)


def visit_meeting_join(*, slot: VisitSlot, member) -> Meeting:
    """The workplace-visit meeting for a slot, created by its first booking; the
    workplace's leader organises it and each booker takes part."""
    meeting = Meeting.objects.filter(visit_slot=slot).first()
    if meeting is None:
        leader = (
            Membership.objects.current()
            .filter(workplace_id=slot.workplace_id, role=Role.WORKPLACE_LEADER)
            .select_related("person")
            .order_by("starts_on")
            .first()
        )
        organiser = leader.person if leader else slot.created_by
        meeting = Meeting.objects.create(
            kind=meeting_kind(MeetingKind.VISIT),
            title=_("Visit to %(workplace)s") % {"workplace": slot.workplace.name},
            host=slot.workplace,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            organiser=organiser,
            visit_slot=slot,
            nothing_at_stake=True,
            purpose=slot.note,
        )
        if organiser is not None:
            Participant.objects.create(
                meeting=meeting,
                person=organiser,
                role=Participant.MeetingRole.ORGANISER,
                response=Participant.Response.YES,
                responded_at=timezone.now(),
            )
    elif meeting.status == Meeting.Status.CANCELLED:
        # Booked again after everyone had cancelled: the visit is back on.
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.PLANNED, cancel_reason="", cancelled_at=None, sequence=F("sequence") + 1
        )
        meeting.refresh_from_db()
    Participant.objects.update_or_create(
        meeting=meeting,
        person=member,
        defaults={
            "role": Participant.MeetingRole.POLITICIAN,
            "response": Participant.Response.YES,
            "responded_at": timezone.now(),
        },
    )
    return meeting


def visit_meeting_leave(*, slot: VisitSlot, member, actor, reason: str) -> None:
    meeting = Meeting.objects.filter(visit_slot=slot).first()
    if meeting is None:
        return
    Participant.objects.filter(meeting=meeting, person=member).delete()
    if not Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).exists():
        Meeting.objects.filter(pk=meeting.pk).exclude(status=Meeting.Status.CANCELLED).update(
            status=Meeting.Status.CANCELLED,
            cancel_reason=reason,
            cancelled_at=timezone.now(),
            sequence=F("sequence") + 1,
        )
        log(action="meeting.cancelled", actor=actor, meeting=meeting, reason=reason)


def _lock(slot_ids: Iterable[int], member) -> dict[int, VisitSlot]:
    # Slots in id order, then the member: every booking path takes locks in this order,
    # so two requests never wait on each other in a cycle.
    slots = {
        slot.pk: slot for slot in VisitSlot.objects.select_for_update().filter(pk__in=sorted(slot_ids)).order_by("pk")
    }
    User.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).first()
    return slots


def visit_book(*, slot_id: int, member, reason: str = "") -> Booking:
    """Book a seat on a visit time. Raises SlotTaken when it is full, ValidationError
    (field "slot") when it cannot be booked for another reason."""
    try:
        with transaction.atomic():
            slots = _lock([slot_id], member)
            if slot_id not in slots:
                raise ValidationError({"slot": _("This visit time no longer exists.")})
            slot = slots[slot_id]
            _check_bookable(slot, member)
            booking = Booking.objects.create(slot=slot, member=member, reason=reason)
            meeting = visit_meeting_join(slot=slot, member=member)
            log(action="booking.created", actor=member, booking=booking, slot=slot, meeting=meeting, notify=True)
    except IntegrityError as exc:
        # The partial unique constraint: a second active booking by the same member.
        raise ValidationError({"slot": _("You have already booked this time.")}) from exc
    return booking


def visit_cancel(*, booking: Booking, actor, reason: str) -> Booking:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you cancel; the workplace is told.")})
    with transaction.atomic():
        _lock([booking.slot_id], booking.member)
        updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, reason=reason.strip(), ended_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("The booking is already cancelled or moved."))
        booking.refresh_from_db()
        visit_meeting_leave(slot=booking.slot, member=booking.member, actor=actor, reason=reason.strip())
        log(action="booking.cancelled", actor=actor, booking=booking, slot=booking.slot, notify=True, reason=reason)
    return booking


def visit_move(*, booking: Booking, new_slot_id: int, actor, reason: str) -> Booking:
    """Move a booking to another visit time in one transaction: the old seat is freed
    only if the new one is had."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you move the visit; the workplace is told.")})
    if new_slot_id == booking.slot_id:
        raise ValidationError({"slot": _("Choose another time than the one booked.")})
    try:
        with transaction.atomic():
            slots = _lock([booking.slot_id, new_slot_id], booking.member)
            if new_slot_id not in slots:
                raise ValidationError({"slot": _("This visit time no longer exists.")})
            current = Booking.objects.get(pk=booking.pk)
            if current.status != Booking.Status.BOOKED:
                raise ValidationError(_("The booking is already cancelled or moved."))
            new_slot = slots[new_slot_id]
            _check_bookable(new_slot, booking.member, ignore_booking=current)
            new_booking = Booking.objects.create(slot=new_slot, member=booking.member, reason=reason.strip())
            Booking.objects.filter(pk=current.pk).update(
                status=Booking.Status.MOVED, reason=reason.strip(), ended_at=timezone.now(), moved_to=new_booking
            )
            visit_meeting_leave(slot=current.slot, member=booking.member, actor=actor, reason=reason.strip())
            meeting = visit_meeting_join(slot=new_slot, member=booking.member)
            log(
                action="booking.moved",
                actor=actor,
                booking=new_booking,
                slot=new_slot,
                meeting=meeting,
                notify=True,
                moved_from=current.slot_id,
                reason=reason,
            )
    except IntegrityError as exc:
        raise ValidationError({"slot": _("You have already booked this time.")}) from exc
    return new_booking


def visit_confirm(*, booking: Booking, actor) -> Booking:
    """The leader confirms a booking; the visit meeting becomes confirmed."""
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED, confirmed_at=None).update(
            confirmed_at=timezone.now(), confirmed_by=actor
        )
        if not updated:
            raise ValidationError(_("The booking is already confirmed, cancelled or moved."))
        booking.refresh_from_db()
        Meeting.objects.filter(visit_slot_id=booking.slot_id, status=Meeting.Status.PLANNED).update(
            status=Meeting.Status.CONFIRMED, sequence=F("sequence") + 1
        )
        log(action="booking.confirmed", actor=actor, booking=booking, slot=booking.slot, notify=True)
    return booking


def unconfirmed_bookings_count(workplace_ids: Iterable[int]) -> int:
    return Booking.objects.filter(
        slot__workplace_id__in=list(workplace_ids),
        status=Booking.Status.BOOKED,
        confirmed_at=None,
        slot__starts_at__gt=timezone.now(),
    ).count()


def minutes_missing_count(user) -> int:
    return (
        Meeting.objects.filter(organiser=user, ends_at__lt=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(minutes__isnull=True) | ~Q(minutes__status=Minutes.Status.LOCKED))
        .count()
    )
