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
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisation.models import Membership, Role
from samspil import localtime
from samspil.errors import ServiceError

from ..kinds import kind as meeting_kind
from ..models import Meeting, MeetingKind, Participant
from ..services import _local, log
from ..workflows import BOOKING
from .models import BlockedPeriod, Booking, VisitSlot

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
    errors: dict[str, list[str]] = {}
    if localtime.utc(ends_at) <= localtime.utc(starts_at):
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
    # The same wall-clock time each week (samspil/localtime.py): a week whose time the
    # clocks skip gets no visit time (the form tells the person which), never a moved one.
    repeats = localtime.occurrences(
        [local_start.date() + dt.timedelta(weeks=week) for week in range(1, repeat_weeks)],
        local_start.time(),
        local_end.time(),
        end_days=(local_end.date() - local_start.date()).days,
    )
    occurrences = [(starts_at, ends_at), *repeats.times]
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
        try:
            BOOKING.apply(booking, "cancel", actor, reason=reason.strip(), ended_at=timezone.now())
        except ServiceError as error:
            raise ValidationError(_("The booking is already cancelled or moved.")) from error
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
            current = Booking.objects.select_related("slot__workplace").get(pk=booking.pk)
            if current.status not in BOOKING.sources_allowing("move"):
                raise ValidationError(_("The booking is already cancelled or moved."))
            BOOKING.check(current, "move", actor)
            new_slot = slots[new_slot_id]
            _check_bookable(new_slot, booking.member, ignore_booking=current)
            new_booking = Booking.objects.create(slot=new_slot, member=booking.member, reason=reason.strip())
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
        raise ValidationError({"slot": _("You have already booked this time.")}) from exc
    return new_booking


def visit_confirm(*, booking: Booking, actor) -> Booking:
    """The leader confirms a booking; the visit meeting becomes confirmed."""
    with transaction.atomic():
        current = Booking.objects.select_related("slot__workplace").get(pk=booking.pk)
        try:
            # The UPDATE repeats the "not yet confirmed" condition, so two clicks confirm once.
            BOOKING.check(current, "confirm", actor)
            if not Booking.objects.filter(
                pk=booking.pk, confirmed_at=None, status__in=BOOKING.sources_allowing("confirm")
            ).update(confirmed_at=timezone.now(), confirmed_by=actor):
                raise ServiceError(_("The booking is already confirmed, cancelled or moved."))
        except ServiceError as error:
            raise ValidationError(_("The booking is already confirmed, cancelled or moved.")) from error
        booking.refresh_from_db()
        # Always a new SEQUENCE: the member's calendar holds the event they booked, and the
        # confirmation email sends the updated one (STATUS:CONFIRMED).
        Meeting.objects.filter(
            visit_slot_id=booking.slot_id, status__in=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED]
        ).update(status=Meeting.Status.CONFIRMED, sequence=F("sequence") + 1, updated_at=timezone.now())
        meeting = Meeting.objects.filter(visit_slot_id=booking.slot_id).first()
        log(action="booking.confirmed", actor=actor, booking=booking, slot=booking.slot, meeting=meeting, notify=True)
    return booking
