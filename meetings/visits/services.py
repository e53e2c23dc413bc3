"""Writes of the visits room: visit times, blocked periods and bookings.

Concurrency is the database's job: a booking locks its visit time's row and the member's
row (`select_for_update`) and counts under the lock; a partial unique constraint backs the
"one active booking per member and time". A booking creates or joins the visit's meeting
(the meetings room's model) and records what happened with the meetings room's `log`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisation.models import Membership, Role
from samspil import daysoff, localtime
from samspil.errors import Conflict, ServiceError, ServiceErrors

from ..kinds import kind as meeting_kind
from ..models import Meeting, MeetingKind, MeetingLogEntry, Participant
from ..services import _local, log
from ..workflows import BOOKING
from .models import BlockedPeriod, Booking, HolidayOpening, VisitSlot

User = get_user_model()


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
    errors: list[ServiceError] = []
    if localtime.utc(ends_at) <= localtime.utc(starts_at):
        errors.append(ServiceError(_("The time must end after it starts."), field="ends_at"))
    if starts_at <= timezone.now():
        errors.append(ServiceError(_("The time lies in the past. Choose a time from now on."), field="starts_at"))
    if capacity < 1:
        errors.append(ServiceError(_("At least one politician must fit."), field="capacity"))
    if not 1 <= repeat_weeks <= 52:
        errors.append(ServiceError(_("Repeat for 1 to 52 weeks."), field="repeat_weeks"))
    if errors:
        raise ServiceErrors(errors)
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    # The same wall-clock time each week (samspil/localtime.py): a week whose time the
    # clocks skip gets no visit time (the form tells the person which), never a moved one.
    repeats = localtime.occurrences(
        [local_start.date() + dt.timedelta(weeks=week) for week in range(1, repeat_weeks)],
        local_start.time(),
        local_end.time(),
        end_days=(local_end.date() - local_start.date()).days,
    )
    occurrences = [(starts_at, ends_at), *repeats.times]
    # Holidays (samspil/daysoff.py) the workplace has not opened: the first time is refused
    # with the reason, a weekly series skips them (the page says which: closed_for_visits).
    closed = closed_for_visits(workplace.pk, [timezone.localtime(start).date() for start, _end in occurrences])
    first_day = timezone.localtime(starts_at).date()
    if first_day in closed:
        raise ServiceError(_closed_message(first_day, closed[first_day]), field="starts_at")
    occurrences = [(s, e) for s, e in occurrences if timezone.localtime(s).date() not in closed]
    with transaction.atomic():
        _lock_workplace(workplace)
        for start, end in occurrences:
            clash = (
                VisitSlot.objects.filter(workplace=workplace, withdrawn_at=None, starts_at__lt=end, ends_at__gt=start)
                .order_by("starts_at")
                .first()
            )
            if clash:
                raise ServiceError(
                    _("Overlaps the visit time %(start)s–%(end)s at this workplace.")
                    % {
                        "start": _local(clash.starts_at),
                        "end": date_format(timezone.localtime(clash.ends_at), "TIME_FORMAT"),
                    },
                    field="starts_at",
                )
            blocked = BlockedPeriod.objects.filter(
                workplace=workplace, starts_on__lte=end.date(), ends_on__gte=start.date()
            ).first()
            if blocked:
                raise ServiceError(
                    _("Falls inside the blocked period %(start)s–%(end)s (%(reason)s).")
                    % {
                        "start": date_format(blocked.starts_on, "SHORT_DATE_FORMAT"),
                        "end": date_format(blocked.ends_on, "SHORT_DATE_FORMAT"),
                        "reason": blocked.reason,
                    },
                    field="starts_at",
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
            raise ServiceError(_("The time is booked; ask the politicians to move or cancel first."))
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        log(action="visit_time.withdrawn", actor=actor, slot=locked)
    return locked


def blocked_period_create(*, workplace, created_by, starts_on: dt.date, ends_on: dt.date, reason: str) -> BlockedPeriod:
    if ends_on < starts_on:
        raise ServiceError(_("The period must end on or after its first day."), field="ends_on")
    if ends_on < timezone.localdate():
        raise ServiceError(_("The period lies in the past."), field="ends_on")
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


# --- Booking -----------------------------------------------------------------------------


class SlotTaken(Conflict):
    """The visit time filled up before this request got its seat; `current` is the time."""

    def __init__(self, slot: VisitSlot):
        super().__init__(
            _("Sorry, this time was just taken by someone else."), current=slot, field="slot", code="taken"
        )
        self.slot = slot


def _check_bookable(slot: VisitSlot, member, *, ignore_booking: Booking | None = None, notice: bool = True) -> None:
    """Checks made under the locks on the slot and the member. `notice=False`: a time the
    leader proposed, which the workplace offered knowing the date."""
    now = timezone.now()
    if slot.withdrawn_at is not None:
        raise ServiceError(_("The workplace has withdrawn this time."), field="slot")
    if slot.starts_at <= now:
        raise ServiceError(_("This time has already started."), field="slot")
    if notice and slot.starts_at - dt.timedelta(hours=slot.min_notice_hours) < now:
        raise ServiceError(
            _("The workplace needs %(hours)s hours' notice: this time could be booked until %(until)s.")
            % {
                "hours": slot.min_notice_hours,
                "until": _local(slot.starts_at - dt.timedelta(hours=slot.min_notice_hours)),
            },
            field="slot",
        )
    if BlockedPeriod.objects.filter(
        workplace_id=slot.workplace_id,
        starts_on__lte=timezone.localtime(slot.starts_at).date(),
        ends_on__gte=timezone.localtime(slot.starts_at).date(),
    ).exists():
        raise ServiceError(_("The workplace takes no visits in this period."), field="slot")
    day = timezone.localtime(slot.starts_at).date()
    if closed := closed_for_visits(slot.workplace_id, [day]):
        raise ServiceError(_closed_message(day, closed[day]), field="slot")
    active = Booking.objects.filter(member=member, status=Booking.Status.BOOKED)
    if ignore_booking is not None:
        active = active.exclude(pk=ignore_booking.pk)
    if active.filter(slot=slot).exists():
        raise ServiceError(_("You have already booked this time."), field="slot")
    clash = (
        active.filter(slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at)
        .select_related("slot__workplace")
        .first()
    )
    if clash:
        raise ServiceError(
            _("You have another visit at that time: %(workplace)s, %(start)s.")
            % {"workplace": clash.slot.workplace.name, "start": _local(clash.slot.starts_at)},
            field="slot",
        )
    # Seats: the bookings, and the seats kept for a member a leader proposed this time to.
    taken = Booking.objects.filter(
        Q(slot=slot, status=Booking.Status.BOOKED) | Q(proposed_slot=slot, status=Booking.Status.PROPOSED)
    )
    if ignore_booking is not None:
        taken = taken.exclude(pk=ignore_booking.pk)
    if taken.count() >= slot.capacity:
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


def visit_book(*, slot_id: int, member, purpose: str = "") -> Booking:
    """Book a seat on a visit time. Raises SlotTaken (a Conflict) when it is full, a
    ServiceError (field "slot") when it cannot be booked for another reason."""
    try:
        with transaction.atomic():
            slots = _lock([slot_id], member)
            if slot_id not in slots:
                raise ServiceError(_("This visit time no longer exists."), field="slot")
            slot = slots[slot_id]
            _check_bookable(slot, member)
            booking = Booking.objects.create(slot=slot, member=member, purpose=purpose.strip())
            meeting = visit_meeting_join(slot=slot, member=member)
            log(action="booking.created", actor=member, booking=booking, slot=slot, meeting=meeting, notify=True)
    except IntegrityError as exc:
        # The partial unique constraint: a second active booking by the same member.
        raise ServiceError(_("You have already booked this time."), field="slot") from exc
    return booking


def visit_cancel(*, booking: Booking, actor, reason: str) -> Booking:
    if not reason.strip():
        raise ServiceError(_("Say why you cancel; the workplace is told."), field="reason")
    with transaction.atomic():
        _lock([booking.slot_id], booking.member)
        try:
            BOOKING.apply(booking, "cancel", actor, reason=reason.strip(), ended_at=timezone.now())
        except ServiceError as error:
            raise ServiceError(_("The booking is already cancelled or moved.")) from error
        booking.refresh_from_db()
        visit_meeting_leave(slot=booking.slot, member=booking.member, actor=actor, reason=reason.strip())
        log(action="booking.cancelled", actor=actor, booking=booking, slot=booking.slot, notify=True, reason=reason)
    return booking


def visit_move(*, booking: Booking, new_slot_id: int, actor, reason: str) -> Booking:
    """Move a booking to another visit time in one transaction: the old seat is freed
    only if the new one is had."""
    if not reason.strip():
        raise ServiceError(_("Say why you move the visit; the workplace is told."), field="reason")
    if new_slot_id == booking.slot_id:
        raise ServiceError(_("Choose another time than the one booked."), field="slot")
    try:
        with transaction.atomic():
            slots = _lock([booking.slot_id, new_slot_id], booking.member)
            if new_slot_id not in slots:
                raise ServiceError(_("This visit time no longer exists."), field="slot")
            current = Booking.objects.select_related("slot__workplace").get(pk=booking.pk)
            if current.status not in BOOKING.sources_allowing("move"):
                raise ServiceError(_("The booking is already cancelled or moved."))
            BOOKING.check(current, "move", actor)
            new_slot = slots[new_slot_id]
            _check_bookable(new_slot, booking.member, ignore_booking=current)
            new_booking = Booking.objects.create(
                slot=new_slot, member=booking.member, reason=reason.strip(), purpose=current.purpose
            )
            BOOKING.apply(current, "move", actor, reason=reason.strip(), ended_at=timezone.now(), moved_to=new_booking)
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
        raise ServiceError(_("You have already booked this time."), field="slot") from exc
    return new_booking


def visit_confirm(*, booking: Booking, actor) -> Booking:
    """The leader confirms a booking; the visit meeting becomes confirmed."""
    with transaction.atomic():
        # The same locks, in the same order, as a decline or a proposal of the booking: a
        # confirmation and a decline at once run one after the other (the second is refused),
        # instead of deadlocking on the log entry's reference to the slot.
        _lock([booking.slot_id], booking.member)
        current = Booking.objects.select_related("slot__workplace").get(pk=booking.pk)
        try:
            # The UPDATE repeats the "not yet confirmed" condition, so two clicks confirm once.
            BOOKING.check(current, "confirm", actor)
            if not Booking.objects.filter(
                pk=booking.pk, confirmed_at=None, status__in=BOOKING.sources_allowing("confirm")
            ).update(confirmed_at=timezone.now(), confirmed_by=actor):
                raise ServiceError(_("The booking is already confirmed, cancelled or moved."))
        except ServiceError as error:
            raise ServiceError(_("The booking is already confirmed, cancelled or moved.")) from error
        booking.refresh_from_db()
        # Always a new SEQUENCE: the member's calendar holds the event they booked, and the
        # confirmation email sends the updated one (STATUS:CONFIRMED).
        Meeting.objects.filter(
            visit_slot_id=booking.slot_id, status__in=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED]
        ).update(status=Meeting.Status.CONFIRMED, sequence=F("sequence") + 1, updated_at=timezone.now())
        meeting = Meeting.objects.filter(visit_slot_id=booking.slot_id).first()
        log(action="booking.confirmed", actor=actor, booking=booking, slot=booking.slot, meeting=meeting, notify=True)
    return booking


# --- Holidays ------------------------------------------------------------------------------


def closed_for_visits(workplace_id: int, days) -> dict[dt.date, str]:
    """Of these days, the ones the workplace takes no visits on: the municipality's closed
    days (samspil/daysoff.py) that the workplace has not opened. One query for the openings."""
    closed = {day: name for day in set(days) if (name := daysoff.closed_day(day))}
    if not closed:
        return {}
    opened = set(
        HolidayOpening.objects.filter(workplace_id=workplace_id, day__in=list(closed)).values_list("day", flat=True)
    )
    return {day: name for day, name in sorted(closed.items()) if day not in opened}


def _closed_message(day: dt.date, name: str) -> str:
    return _(
        "%(date)s is %(name)s, a holiday: the workplace takes no visits that day. "
        "Open the day under Holidays if you take visits after all."
    ) % {"date": date_format(day, "SHORT_DATE_FORMAT"), "name": name}


def holiday_open(*, workplace, day: dt.date, actor) -> HolidayOpening:
    """The workplace takes visits on a holiday after all."""
    name = daysoff.closed_day(day)
    if name is None:
        raise ServiceError(
            _("%(date)s is not a holiday: visits are possible.") % {"date": date_format(day, "SHORT_DATE_FORMAT")},
            field="day",
        )
    with transaction.atomic():
        opening, created = HolidayOpening.objects.get_or_create(
            workplace=workplace, day=day, defaults={"created_by": actor}
        )
        if created:
            log(action="holiday.opened", actor=actor, workplace=workplace.pk, day=day.isoformat())
    return opening


def holiday_close(*, workplace, day: dt.date, actor) -> None:
    """Close an opened holiday again: its unbooked visit times are no longer offered; bookings
    already made stay (the politicians were told the time), the leader may decline them."""
    with transaction.atomic():
        deleted, _rows = HolidayOpening.objects.filter(workplace=workplace, day=day).delete()
        if deleted:
            log(action="holiday.closed", actor=actor, workplace=workplace.pk, day=day.isoformat())


# --- The leader's answers: decline, propose another time; the member's answer to a proposal


def _locked_booking(booking: Booking) -> Booking:
    # Under the slot and member locks: the row as it is now, locked, so a confirmation and a
    # decline of one booking at once are one after the other, and the second sees the first.
    return Booking.objects.select_for_update().select_related("slot__workplace", "member").get(pk=booking.pk)


def _refused(error: ServiceError) -> ServiceError:
    return ServiceError(_("The booking is already answered, cancelled or moved."))


def visit_decline(*, booking: Booking, actor, reason: str) -> Booking:
    """The leader declines a booking (or withdraws a proposal) with a reason; the member is
    told and their calendar gets a cancellation."""
    if not reason.strip():
        raise ServiceError(_("Say why you decline; the politician is told."), field="reason")
    with transaction.atomic():
        _lock([pk for pk in (booking.slot_id, booking.proposed_slot_id) if pk], booking.member)
        current = _locked_booking(booking)
        was_booked = current.status == Booking.Status.BOOKED
        try:
            BOOKING.apply(current, "decline", actor, reason=reason.strip(), ended_at=timezone.now())
        except ServiceError as error:
            raise _refused(error) from error
        if was_booked:
            visit_meeting_leave(slot=current.slot, member=current.member, actor=actor, reason=reason.strip())
        log(
            action="booking.declined",
            actor=actor,
            booking=current,
            slot=current.slot,
            meeting=Meeting.objects.filter(visit_slot=current.slot).first(),
            notify=True,
            reason=reason.strip(),
        )
    return current


def visit_propose(
    *,
    booking: Booking,
    actor,
    reason: str,
    slot_id: int | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Booking:
    """The leader proposes another time: one of the workplace's free times (`slot_id`) or a
    new one (`starts_at`, `ends_at`, published as a visit time for one). The seat is kept for
    the member until they accept or decline; the original time is given up (the member's
    calendar gets a cancellation)."""
    errors: list[ServiceError] = []
    if not reason.strip():
        errors.append(ServiceError(_("Say why you propose another time; the politician is told."), field="reason"))
    if slot_id is None and starts_at is None:
        errors.append(ServiceError(_("Choose one of your free times, or give a new time."), field="slot"))
    if errors:
        raise ServiceErrors(errors)
    with transaction.atomic():
        if slot_id is None:
            (created,) = visit_slots_publish(
                workplace=booking.slot.workplace,
                created_by=actor,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=1,
                min_notice_hours=0,
                note=booking.slot.note,
            )
            slot_id = created.pk
        if slot_id == booking.slot_id:
            raise ServiceError(_("Choose another time than the one booked."), field="slot")
        slots = _lock([booking.slot_id, slot_id], booking.member)
        new_slot = slots.get(slot_id)
        if new_slot is None or new_slot.workplace_id != booking.slot.workplace_id:
            raise ServiceError(_("Choose one of your workplace's visit times."), field="slot")
        current = _locked_booking(booking)
        try:
            BOOKING.check(current, "propose", actor)
        except ServiceError as error:
            raise _refused(error) from error
        _check_bookable(new_slot, current.member, ignore_booking=current, notice=False)
        BOOKING.apply(current, "propose", actor, reason=reason.strip(), proposed_slot=new_slot)
        visit_meeting_leave(slot=current.slot, member=current.member, actor=actor, reason=reason.strip())
        log(
            action="booking.proposed",
            actor=actor,
            booking=current,
            slot=current.slot,
            meeting=Meeting.objects.filter(visit_slot=current.slot).first(),
            notify=True,
            reason=reason.strip(),
            proposed_slot=new_slot.pk,
        )
    return current


def visit_proposal_accept(*, booking: Booking, actor) -> Booking:
    """The member takes the proposed time: a new booking there, confirmed (the leader
    proposed it), in one transaction with the old one marked moved."""
    with transaction.atomic():
        slots = _lock([pk for pk in (booking.slot_id, booking.proposed_slot_id) if pk], booking.member)
        current = _locked_booking(booking)
        try:
            BOOKING.check(current, "accept", actor)
        except ServiceError as error:
            raise _refused(error) from error
        new_slot = slots.get(current.proposed_slot_id)
        if new_slot is None:
            raise ServiceError(_("The proposed time no longer exists."), field="slot")
        _check_bookable(new_slot, current.member, ignore_booking=current, notice=False)
        proposer = (
            MeetingLogEntry.objects.filter(booking=current, action="booking.proposed")
            .order_by("-at")
            .values_list("actor", flat=True)
            .first()
        )
        now = timezone.now()
        new_booking = Booking.objects.create(
            slot=new_slot, member=current.member, purpose=current.purpose, confirmed_at=now, confirmed_by_id=proposer
        )
        BOOKING.apply(current, "accept", actor, ended_at=now, moved_to=new_booking)
        meeting = visit_meeting_join(slot=new_slot, member=current.member)
        Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.PLANNED).update(
            status=Meeting.Status.CONFIRMED, sequence=F("sequence") + 1, updated_at=now
        )
        log(action="booking.accepted", actor=actor, booking=new_booking, slot=new_slot, meeting=meeting, notify=True)
    return new_booking


def visit_proposal_reject(*, booking: Booking, actor, reason: str = "") -> Booking:
    """The member declines the proposed time: the visit does not take place, the seat kept
    for them is free again, and the leader is told."""
    with transaction.atomic():
        _lock([pk for pk in (booking.slot_id, booking.proposed_slot_id) if pk], booking.member)
        current = _locked_booking(booking)
        try:
            BOOKING.apply(current, "reject", actor, ended_at=timezone.now())
        except ServiceError as error:
            raise _refused(error) from error
        log(
            action="booking.rejected",
            actor=actor,
            booking=current,
            slot=current.proposed_slot or current.slot,
            notify=True,
            reason=reason.strip(),
        )
    return current
