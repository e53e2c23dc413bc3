"""Pages of the visits room: free visit times, booking, cancelling, moving and confirming
a visit, and a workplace's visit times and blocked periods."""

from __future__ import annotations

import datetime as dt

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format, get_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from organisation.permissions import get_workplace_for_user
from samspil import daysoff
from samspil.errors import ServiceError
from samspil.jinja2 import row_url
from samspil.paging import page_query

from ..forms import ReasonForm, apply_service_errors
from ..permissions import get_booking_for_user, get_slot_for_user
from . import selectors, services
from .forms import BlockedPeriodForm, BookForm, MoveForm, ProposeForm, VisitFilterForm, VisitSlotForm
from .models import BlockedPeriod

PAGE_SIZE = 20


def visit_times(request):
    # rules.has_perm: a perm without an object would also cost ModelBackend two queries.
    if not rules.has_perm("meetings.view_visit_times", request.user):
        raise PermissionDenied
    form = VisitFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    # Rows with what the page shows, not model instances (selectors.free_times_page).
    page = selectors.free_times_page(request.user, filters, PAGE_SIZE, request.GET.get("page"))
    now = timezone.now()
    # What the rows print, computed once per row (or per workplace, per count) here rather
    # than by calls in the template.
    recent_labels = {}
    for slot in page.object_list:
        slot.too_late = slot.starts_at - dt.timedelta(hours=slot.min_notice_hours) < now
        if slot.recent_meetings not in recent_labels:
            recent_labels[slot.recent_meetings] = recent_meetings_label(slot.recent_meetings)
        slot.recent_label = recent_labels[slot.recent_meetings]
        slot.book_url = row_url("meetings:visit_book", slot.pk)
        if slot.workplace.url is None:
            slot.workplace.url = row_url("organisation:workplace", slot.workplace.slug)
    when_labels(page.object_list)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        # What {{ form.<field>|as_crispy_field }} wrote, without crispy's templates.
        "filter_fields": form.crispy_fields(),
        "page": page,
        "free_times_label": free_times_label,
        "page_query": page_query(request),  # the pagination macro's links (meetings/_pages.jinja)
    }
    return render(request, "meetings/visit_times.html", context, status=status)


def when_labels(slots) -> None:
    """Each time's `when_label` as meetings/_slot_line.html writes it ("Mandag 14. december,
    10:00–11:00"), from one local time per row instead of three date filters."""
    weekdays, months = {}, {}
    # And `book_when`, the Book button's `{{ starts_at|date:"SHORT_DATETIME_FORMAT" }}`:
    # Danish written directly, any other format by Django.
    short = get_format("SHORT_DATETIME_FORMAT")
    zone = timezone.get_current_timezone()  # timezone.localtime() looks it up for every value
    for slot in slots:
        start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
        if start.weekday() not in weekdays:
            weekdays[start.weekday()] = str(WEEKDAYS[start.weekday()])
        if start.month not in months:
            months[start.month] = str(MONTHS[start.month])
        day = capfirst(f"{weekdays[start.weekday()]} {start.day}. {months[start.month]}")
        # %H:%M and %d.%m.%Y written from the fields, without strftime (most of a row's labels).
        start_time = f"{start.hour:02d}:{start.minute:02d}"
        slot.when_label = f"{day}, {start_time}–{end.hour:02d}:{end.minute:02d}"
        slot.book_when = (
            f"{start.day:02d}.{start.month:02d}.{start.year} {start_time}"
            if short == "d.m.Y H:i"
            else dateformat.format(start, short)
        )


def free_times_label(count: int) -> str:
    """The plurals of meetings/_free_times.jinja."""
    return ngettext("%(counter)s free time", "%(counter)s free times", count) % {"counter": count}


def recent_meetings_label(count: int) -> str:
    return ngettext(
        "%(counter)s meeting in the last 12 months", "%(counter)s meetings in the last 12 months", count
    ) % {"counter": count}


def visit_book(request, pk: int):
    slot = get_slot_for_user(request.user, pk)
    # Only politicians of a responsible committee book, administrators included only if they are one.
    if not rules.has_perm("meetings.book_visitslot", request.user, slot):
        raise PermissionDenied
    form = BookForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.visit_book(slot_id=slot.pk, member=request.user, purpose=form.cleaned_data["purpose"])
        except services.SlotTaken:
            # The loser of a race: a clear answer and the next free times at the workplace.
            form.add_error("slot", _("Sorry, this time was just taken by someone else."))
            alternatives = selectors.next_free_slots(slot.workplace_id, exclude=slot.pk)
            context = {"slot": slot, "form": form, "taken": True, "alternatives": alternatives}
            return render(request, "meetings/visit_book.html", context, status=409)
        except ServiceError as error:
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
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The visit is cancelled and the workplace is told."))
            return redirect("meetings:mine")
    return render(request, "meetings/booking_cancel.html", {"booking": booking, "form": form})


def booking_move(request, pk: int):
    booking = get_booking_for_user(request.user, pk, write=True)
    # Not a time the member already holds, nor one overlapping another of their visits.
    alternatives = selectors.move_options(booking)
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
        except ServiceError as error:
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
    except ServiceError as error:
        messages.error(request, error.message)
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
        except ServiceError as error:
            apply_service_errors(slot_form, error, VisitSlotForm.FIELD_MAP)
        else:
            messages.success(request, _("%(n)s visit times are published.") % {"n": len(slots)})
            first = timezone.localtime(data["starts_at"]).date()
            weeks = [first + dt.timedelta(weeks=week) for week in range(data["repeat_weeks"])]
            for day, name in services.closed_for_visits(workplace.pk, weeks).items():
                messages.info(
                    request,
                    _("No visit time on %(date)s (%(name)s): the workplace is closed for visits that day.")
                    % {"date": date_format(day, "SHORT_DATE_FORMAT"), "name": name},
                )
            for note in slot_form.dst_notes:
                messages.info(request, note)
            return redirect("meetings:workplace_visit_times", slug=workplace.slug)
    if request.method == "POST" and request.POST.get("form") == "blocked" and blocked_form.is_valid():
        try:
            services.blocked_period_create(workplace=workplace, created_by=request.user, **blocked_form.cleaned_data)
        except ServiceError as error:
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
            "holidays": selectors.coming_holidays(workplace),
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
    except ServiceError as error:
        messages.error(request, error.message)
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


def _week_of(value: str | None) -> dt.date:
    """The Monday of the week holding the date asked for (`?uge=2026-12-16`), else this week."""
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        day = today
    if not dt.date(2000, 1, 3) <= day <= dt.date(2100, 12, 31):
        day = today
    return day - dt.timedelta(days=day.weekday())


def _query_with(request, **changes) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def visit_week(request):
    """The week's free visit times, Monday to Friday, beside the list (issue 16, point 3)."""
    if not rules.has_perm("meetings.view_visit_times", request.user):
        raise PermissionDenied
    monday = _week_of(request.GET.get("uge"))
    friday = monday + dt.timedelta(days=4)
    form = VisitFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: v for k, v in filters.items() if v and k not in ("date_from", "date_to")}
    slots = list(
        selectors.free_visit_times(request.user, date_from=monday, date_to=friday, **filters).order_by(
            "starts_at", "workplace__name"
        )
    )
    now, today = timezone.now(), timezone.localdate()
    closed = daysoff.closed_days(monday, friday)
    days = []
    for offset in range(5):
        day = monday + dt.timedelta(days=offset)
        days.append(
            {"date": day, "slots": [], "closed": closed.get(day), "past": day < today, "is_today": day == today}
        )
    for slot in slots:
        slot.too_late = slot.starts_at - dt.timedelta(hours=slot.min_notice_hours) < now
        days[timezone.localtime(slot.starts_at).weekday()]["slots"].append(slot)
    this_monday = today - dt.timedelta(days=today.weekday())
    return render(
        request,
        "meetings/visit_week.html",
        {
            "form": form,
            "monday": monday,
            "friday": friday,
            "days": days,
            "total": len(slots),
            "is_this_week": monday == this_monday,
            "previous_query": _query_with(request, uge=(monday - dt.timedelta(days=7)).isoformat()),
            "next_query": _query_with(request, uge=(monday + dt.timedelta(days=7)).isoformat()),
            "this_week_query": _query_with(request, uge=this_monday.isoformat()),
            "query": _query_with(request),
        },
    )


def booking_decline(request, pk: int):
    booking = get_booking_for_user(request.user, pk, confirm=True)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_decline(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The visit is declined and the politician is told."))
            return redirect("meetings:workplace_visit_times", slug=booking.slot.workplace.slug)
    if request.method == "POST":
        status = 400
    return render(request, "meetings/booking_decline.html", {"booking": booking, "form": form}, status=status)


def booking_propose(request, pk: int):
    booking = get_booking_for_user(request.user, pk, confirm=True)
    options = selectors.next_free_slots(booking.slot.workplace_id, exclude=booking.slot_id, limit=30)
    form = ProposeForm(request.POST or None, slots=options)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_propose(
                booking=booking,
                actor=request.user,
                reason=data["reason"],
                slot_id=data.get("slot"),
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
            )
        except services.SlotTaken:
            form.add_error("slot", _("Sorry, this time was just taken by someone else. Choose another."))
        except ServiceError as error:
            apply_service_errors(form, error, {"starts_at": "start", "ends_at": "end"})
        else:
            messages.success(request, _("Your proposal is sent. The politician accepts or declines it."))
            return redirect("meetings:workplace_visit_times", slug=booking.slot.workplace.slug)
    if request.method == "POST":
        status = 400
    return render(request, "meetings/booking_propose.html", {"booking": booking, "form": form}, status=status)


def booking_proposal(request, pk: int):
    """The member's answer to a proposed time: accept in one click, or decline."""
    booking = get_booking_for_user(request.user, pk, write=True)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].required = False
    form.fields["reason"].label = _("Why not? (optional, the workplace is told)")
    status = 200
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                new = services.visit_proposal_accept(booking=booking, actor=request.user)
                messages.success(request, _("The new time is yours and confirmed. The workplace is told."))
                return redirect("meetings:meeting", pk=new.slot.meeting.pk)
            if answer == "decline" and form.is_valid():
                services.visit_proposal_reject(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("You declined the proposal. The workplace is told."))
                return redirect("meetings:visit_times")
        except services.SlotTaken:
            form.add_error(None, _("Sorry, the proposed time was just taken. Ask the workplace for another."))
        except ServiceError as error:
            apply_service_errors(form, error)
        status = 400
    booking = get_booking_for_user(request.user, pk, write=True)
    return render(request, "meetings/booking_proposal.html", {"booking": booking, "form": form}, status=status)


@require_POST
def workplace_holiday(request, slug: str):
    """Open a holiday for visits, or close it again."""
    workplace = get_workplace_for_user(request.user, slug)
    if not request.user.has_perm("meetings.manage_visit_times", workplace):
        raise PermissionDenied
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Choose a holiday."))
        return redirect("meetings:workplace_visit_times", slug=workplace.slug)
    try:
        if request.POST.get("open") == "1":
            services.holiday_open(workplace=workplace, day=day, actor=request.user)
            messages.success(
                request, _("%(date)s is open for visits.") % {"date": date_format(day, "SHORT_DATE_FORMAT")}
            )
        else:
            services.holiday_close(workplace=workplace, day=day, actor=request.user)
            messages.success(
                request, _("%(date)s is closed for visits again.") % {"date": date_format(day, "SHORT_DATE_FORMAT")}
            )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(reverse("meetings:workplace_visit_times", args=[workplace.slug]) + "#holidays-heading")
