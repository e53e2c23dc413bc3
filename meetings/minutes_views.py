"""Pages for attendance and reading before the lock (meetings/minutes.py holds the logic)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.errors import ServiceError

from . import minutes as minutes_services
from .forms import AttendanceForm, MinutesCommentForm, ReadingForm
from .models import Minutes, MinutesReadRequest
from .permissions import get_meeting_for_user
from .workflows import MINUTES


def _minutes_or_new(meeting) -> Minutes:
    """The meeting's minutes, or an unsaved draft the table can be asked about."""
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return Minutes(meeting=meeting)


def _add_error(form, error: ServiceError, field_map: dict[str, str] | None = None) -> None:
    """A service's refusal on the field it names, or on the whole form."""
    name = (field_map or {}).get(error.field, error.field)
    form.add_error(name if name in form.fields else None, error.message)


def _require(user, minutes: Minutes, action: str) -> None:
    if not MINUTES.is_available(user, minutes, action):
        if minutes.is_locked:
            raise Http404
        raise PermissionDenied


def minutes_attendance(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    minutes = _minutes_or_new(meeting)
    if minutes.is_locked:
        messages.info(request, _("The minutes are locked and can no longer change."))
        return redirect(meeting)
    _require(request.user, minutes, "record_attendance")
    participants = minutes_services.attendance_rows(meeting)
    form = AttendanceForm(request.POST or None, participants=participants, others=minutes.other_attendees)
    if request.method == "POST" and form.is_valid():
        try:
            minutes_services.attendance_save(
                meeting=meeting, actor=request.user, marks=form.marks(), others=form.cleaned_data["others"]
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect(f"{meeting.get_absolute_url()}#minutes-heading")
    return render(
        request,
        "meetings/minutes_attendance.html",
        {"meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


def minutes_reading(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    minutes = _minutes_or_new(meeting)
    if minutes.is_locked:
        messages.info(request, _("The minutes are locked and can no longer change."))
        return redirect(meeting)
    _require(request.user, minutes, "ask_to_read")
    candidates = minutes_services.readers_to_suggest(meeting, writer=request.user)
    asked = set(MinutesReadRequest.objects.filter(minutes=minutes).values_list("person_id", flat=True))
    deadline = minutes.read_deadline or (timezone.now() + dt.timedelta(days=3))
    form = ReadingForm(
        request.POST or None,
        candidates=candidates,
        initial={
            "people": sorted(asked or set(minutes_services.default_readers(candidates))),
            "deadline_date": timezone.localtime(deadline).date(),
            "deadline_time": timezone.localtime(deadline).time().replace(second=0, microsecond=0)
            if minutes.read_deadline
            else dt.time(12, 0),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            minutes_services.reading_ask(
                meeting=meeting, actor=request.user, people=form.chosen_people(), deadline=form.deadline()
            )
        except ServiceError as error:
            _add_error(form, error, {"deadline": "deadline_date"})
        else:
            messages.success(request, _("The participants are asked to read the draft. Each gets an email."))
            return redirect(f"{meeting.get_absolute_url()}#minutes-heading")
    return render(
        request,
        "meetings/minutes_reading.html",
        {"meeting": meeting, "form": form, "asked": asked},
        status=400 if form.errors else 200,
    )


@require_POST
def minutes_read(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    _require(request.user, _minutes_or_new(meeting), "read")
    try:
        minutes_services.mark_read(meeting=meeting, person=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the writer can see that you have read the draft."))
    return redirect(f"{meeting.get_absolute_url()}#minutes-heading")


@require_POST
def minutes_comment(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    _require(request.user, _minutes_or_new(meeting), "comment")
    form = MinutesCommentForm(request.POST)
    if form.is_valid():
        try:
            minutes_services.comment_add(meeting=meeting, author=request.user, text=form.cleaned_data["text"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment is sent to the writer of the minutes."))
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect(f"{meeting.get_absolute_url()}#minutes-heading")
