"""Pages of the visits room: free visit times, booking, cancelling, moving and confirming
a visit, and a workplace's visit times and blocked periods."""

from __future__ import annotations

import datetime as dt

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisation.permissions import get_workplace_for_user

from ..forms import ReasonForm, apply_service_errors
from ..permissions import get_booking_for_user, get_slot_for_user
from . import selectors, services
from .forms import BlockedPeriodForm, BookForm, MoveForm, VisitFilterForm, VisitSlotForm
from .models import BlockedPeriod

PAGE_SIZE = 20


def visit_times(request):
    # rules.has_perm: a perm without an object would also cost ModelBackend two queries.
    if not rules.has_perm("meetings.view_visit_times", request.user):
        raise PermissionDenied
    form = VisitFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    slots = selectors.free_visit_times(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(slots, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for slot in page.object_list:
        slot.too_late = slot.starts_at - dt.timedelta(hours=slot.min_notice_hours) < now
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "meetings/visit_times.html", {"form": form, "page": page, "book_form": BookForm()}, status=status
    )


def visit_book(request, pk: int):
    slot = get_slot_for_user(request.user, pk)
    # Only politicians of a responsible committee book, administrators included only if they are one.
    if not rules.has_perm("meetings.book_visitslot", request.user, slot):
        raise PermissionDenied
    form = BookForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.visit_book(slot_id=slot.pk, member=request.user, reason=form.cleaned_data["reason"])
        except services.SlotTaken:
            # The loser of a race: a clear answer and the next free times at the workplace.
            form.add_error("slot", _("Sorry, this time was just taken by someone else."))
            alternatives = selectors.next_free_slots(slot.workplace_id, exclude=slot.pk)
            context = {"slot": slot, "form": form, "taken": True, "alternatives": alternatives}
            return render(request, "meetings/visit_book.html", context, status=409)
        except ValidationError as error:
            apply_service_errors(form, error)
            status = 400
        else:
            messages.success(
                request, _("The visit is booked. The workplace is told and you will see it under your meetings.")
            )
            return redirect("meetings:meeting", pk=booking.slot.meeting.pk)
    return render(request, "meetings/visit_book.html", {"slot": slot, "form": form, "taken": False}, status=status)


def booking_cancel(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The visit is cancelled and the workplace is told."))
            return redirect("meetings:mine")
    return render(request, "meetings/booking_cancel.html", {"booking": booking, "form": form})


def booking_move(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    alternatives = selectors.next_free_slots(booking.slot.workplace_id, exclude=booking.slot_id, limit=30)
    form = MoveForm(request.POST or None, slots=alternatives)
    taken = False
    if request.method == "POST" and form.is_valid():
        try:
            new = services.visit_move(
                booking=booking,
                new_slot_id=form.cleaned_data["slot"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.SlotTaken:
            taken = True
            form.add_error("slot", _("Sorry, this time was just taken by someone else. Choose another."))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The visit is moved and the workplace is told."))
            return redirect("meetings:meeting", pk=new.slot.meeting.pk)
    return render(
        request,
        "meetings/booking_move.html",
        {"booking": booking, "form": form, "alternatives": alternatives, "taken": taken},
        status=409 if taken else 200,
    )


@require_POST
def booking_confirm(request, pk: int):
    booking = get_booking_for_user(request.user, pk, confirm=True)
    try:
        services.visit_confirm(booking=booking, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is confirmed and the politician is told."))
    return redirect("meetings:workplace_visit_times", slug=booking.slot.workplace.slug)


def workplace_visit_times(request, slug: str):
    workplace = get_workplace_for_user(request.user, slug)
    if not request.user.has_perm("meetings.manage_visit_times", workplace):
        raise PermissionDenied
    slot_form = VisitSlotForm(request.POST if request.POST.get("form") == "slot" else None, prefix="slot")
    blocked_form = BlockedPeriodForm(request.POST if request.POST.get("form") == "blocked" else None, prefix="blocked")
    if request.method == "POST" and request.POST.get("form") == "slot" and slot_form.is_valid():
        data = slot_form.cleaned_data
        try:
            slots = services.visit_slots_publish(
                workplace=workplace,
                created_by=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                capacity=data["capacity"],
                min_notice_hours=data["min_notice_hours"],
                repeat_weeks=data["repeat_weeks"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_service_errors(slot_form, error, VisitSlotForm.FIELD_MAP)
        else:
            messages.success(request, _("%(n)s visit times are published.") % {"n": len(slots)})
            for note in slot_form.dst_notes:
                messages.info(request, note)
            return redirect("meetings:workplace_visit_times", slug=workplace.slug)
    if request.method == "POST" and request.POST.get("form") == "blocked" and blocked_form.is_valid():
        try:
            services.blocked_period_create(workplace=workplace, created_by=request.user, **blocked_form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(blocked_form, error)
        else:
            messages.success(request, _("The period is blocked for visits."))
            return redirect("meetings:workplace_visit_times", slug=workplace.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/workplace_visit_times.html",
        {
            "workplace": workplace,
            "slots": selectors.workplace_slots(workplace),
            "blocked": BlockedPeriod.objects.filter(workplace=workplace, ends_on__gte=timezone.localdate()),
            "slot_form": slot_form,
            "blocked_form": blocked_form,
        },
        status=status,
    )


@require_POST
def visit_slot_withdraw(request, pk: int):
    slot = get_slot_for_user(request.user, pk, write=True)
    try:
        services.visit_slot_withdraw(slot=slot, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit time is withdrawn."))
    return redirect("meetings:workplace_visit_times", slug=slot.workplace.slug)


@require_POST
def blocked_period_delete(request, pk: int):
    period = get_object_or_404(BlockedPeriod.objects.select_related("workplace"), pk=pk)
    if not request.user.has_perm("meetings.manage_visit_times", period.workplace):
        raise Http404
    services.blocked_period_delete(period=period, actor=request.user)
    messages.success(request, _("The blocked period is removed."))
    return redirect("meetings:workplace_visit_times", slug=period.workplace.slug)
