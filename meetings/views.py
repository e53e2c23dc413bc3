"""Pages of the meetings room: lists, one meeting, its agenda, participants and minutes,
repeating meetings. Visit pages are in meetings/visits/views.py, calendar pages in
meetings/calendars/views.py."""

from __future__ import annotations

import datetime as dt

import rules
from django import forms
from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.privacy import erased
from cases.selectors import next_agenda_warnings
from organisation.models import Committee, Workplace
from organisation.permissions import get_committee_for_user, get_workplace_for_user
from organisation.roles import roles_of
from portal.templatetags.people import current_name
from samspil.compiled import CompiledQuery, StandIns
from samspil.errors import ServiceError
from samspil.paging import page_query
from samspil.workflow import get_workflow

from . import minutes as minutes_services
from . import plan_html, selectors, services
from .forms import (
    MeetingForm,
    MinutesForm,
    ParticipantAddForm,
    ReasonForm,
    RespondForm,
    SeriesForm,
    agenda_formset,
    apply_service_errors,
)
from .models import Meeting, MeetingKind, Minutes, MinutesVersion, Participant
from .permissions import agenda_items, creatable_kinds, get_meeting_for_user, minutes_versions, other_workplaces
from .selectors import page_of
from .visits import selectors as visit_selectors
from .workflows import MINUTES

PAGE_SIZE = 20

PLAN_PAGE_SIZE = 40

# What "My booked visits" shows of each booking (value rows: meetings/_my_meetings.jinja).
BOOKING_COLUMNS = ("pk", "confirmed_at", "slot__starts_at", "slot__workplace__name", "slot__meeting__id")


# --- Lists -------------------------------------------------------------------------------


class _Words:
    """A language's words on list rows, translated once per process and language (the
    catalogues do not change while it runs): month and weekday names as Django's date
    filter writes them, status labels, "3 participants". Looked up per row, they were a
    third of a plan page's rendering (lazy labels translated again on each print)."""

    def __init__(self) -> None:
        self.months_3 = {month: str(name) for month, name in MONTHS_3.items()}
        self.months = {month: capfirst(str(name)) for month, name in MONTHS.items()}  # |date:"F"|capfirst
        self.weekdays = {day: str(name) for day, name in WEEKDAYS.items()}
        self.statuses = {value: capfirst(str(label)) for value, label in Meeting.Status.choices}
        self.participants: dict[int, str] = {}

    def participants_label(self, count: int) -> str:
        label = self.participants.get(count)
        if label is None:
            label = participants_label(count)
            if len(self.participants) < 1000:
                self.participants[count] = label
        return label


_WORDS: dict[str, _Words] = {}


def _words() -> _Words:
    language = translation.get_language() or ""
    words = _WORDS.get(language)
    if words is None:
        words = _WORDS[language] = _Words()
    return words


class _ListDates:
    """A list row's dates as Django's date filter writes them ("7. dec", "2026", "mandag
    16:00–18:00"), from one local time per row, the month and weekday names looked up once
    per list: four date filters per row were half of a list's rendering."""

    def __init__(self) -> None:
        words = _words()
        self.months, self.weekdays = words.months_3, words.weekdays
        # timezone.localtime() looks the zone up again for every value.
        self.zone = timezone.get_current_timezone()

    def __call__(self, starts_at, ends_at) -> tuple[str, str, str]:
        start, end = starts_at.astimezone(self.zone), ends_at.astimezone(self.zone)
        return (
            f"{start.day}. {self.months[start.month]}",
            f"{start.year:04d}",
            # The hours and minutes as %H:%M writes them, without strftime (most of a row's labels).
            f"{self.weekdays[start.weekday()]} {start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d}",
        )


def list_times(meetings) -> None:
    """Each row's day, year and time labels (meetings/_meeting_list.jinja)."""
    dates = _ListDates()
    for meeting in meetings:
        meeting.day_label, meeting.year_label, meeting.time_label = dates(meeting.starts_at, meeting.ends_at)


def participants_label(count: int) -> str:
    """ "3 participants" on a meeting list's row."""
    return ngettext("%(counter)s participant", "%(counter)s participants", count) % {"counter": count}


def label_rows(meetings: list[dict]) -> None:
    """What a meeting list's rows (meetings/_meeting_list.jinja, _plan_meetings.jinja) print
    beside their values (selectors.list_values): the labels a list wrote through the model
    (kind, status, participants, the past) and the dates as Django's date filter writes
    them, worked out once per value here rather than per row in the template."""
    english = (translation.get_language() or "da").startswith("en")  # MeetingKind.label
    words = _words()
    statuses = words.statuses
    dates = _ListDates()
    now = timezone.now()
    for meeting in meetings:
        meeting["day"], meeting["year"], meeting["times"] = dates(meeting["starts_at"], meeting["ends_at"])
        meeting["kind_label"] = (english and meeting["kind__name_en"]) or meeting["kind__name"]
        meeting["status_label"] = statuses.get(meeting["status"], meeting["status"])
        meeting["is_past"] = meeting["ends_at"] < now
        meeting["participants"] = words.participants_label(meeting["participant_count"])


def my_meetings(request):
    past = request.GET.get("when") == "past"
    page = selectors.my_meetings_page(request.user, past=past, per_page=PAGE_SIZE, number=request.GET.get("page"))
    label_rows(page.object_list)
    roles = roles_of(request.user)
    return render(
        request,
        "meetings/my_meetings.html",
        {
            "page": page,
            "page_query": page_query(request),
            "meeting_rows": plan_html.meeting_rows,
            "past": past,
            "can_create": bool(creatable_kinds(request.user)),
            "is_politician": roles.is_politician,
            "led_workplaces": roles.led_workplace_ids,
            "bookings": visit_selectors.my_booking_rows(request.user, BOOKING_COLUMNS, limit=10)
            if roles.is_politician
            else [],
            # Where else meetings live: my committees' plans, my workplaces' meetings.
            "my_committees": selectors.names_and_slugs(Committee, roles.committee_ids),
            "my_workplaces": selectors.names_and_slugs(Workplace, roles.staff_workplace_ids),
        },
    )


def committee_plan(request, slug: str):
    # The committee is public structure; its plan lists only the meetings the person may see.
    committee = get_committee_for_user(request.user, slug)
    roles = roles_of(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = max(2000, min(year, 2100))
    # A year at a time, PLAN_PAGE_SIZE meetings a page: a committee with a meeting or two a
    # month sees its whole year on one page; a busy one (170 a year at Copenhagen size)
    # gets pages and a month index, and opens at the current month, not in January.
    months = []
    total = 0
    plan = selectors.CommitteePlan(committee, year=year, user=request.user)
    month_names = _words().months
    for month, count in plan.months():
        months.append(
            {
                "month": dt.date(year, month, 1),
                "number": month,
                "name": month_names[month],  # |date:"F"|capfirst
                "count": count,
                "page": total // PLAN_PAGE_SIZE + 1,
            }
        )
        total += count
    # The Paginator only numbers the pages: the rows are read for the page it gives.
    paginator = Paginator((), PLAN_PAGE_SIZE)
    paginator.count = total  # known from the month index: no COUNT query
    default_page = 1
    if year == today.year:
        default_page = next((m["page"] for m in months if m["month"].month >= today.month), paginator.num_pages)
    page = paginator.get_page(request.GET.get("page") or default_page)
    bottom = (page.number - 1) * PLAN_PAGE_SIZE
    # A full page's LIMIT also on the last page (the same rows): one compiled query per page.
    meetings = plan.rows(bottom, bottom + PLAN_PAGE_SIZE) if total else []
    # Each meeting's committee cases with their hearings' states at a glance (the cases
    # this person may see), and the chair's warning about the next agenda.
    cases = plan.cases(meetings)
    _plan_rows(meetings, cases)
    page.object_list = meetings
    is_chair = committee.pk in roles.chaired_committee_ids
    agenda_warnings = next_agenda_warnings([committee.pk]) if is_chair else []
    # cases:agenda's own rule (cases/views._sees_agenda).
    sees_agenda = roles.is_leadership or committee.pk in (roles.committee_ids | roles.secretary_committee_ids)
    return render(
        request,
        "meetings/committee_plan.html",
        {
            "committee": committee,
            "year": year,
            "months": months,
            "page": page,
            "page_query": page_query(request),
            "meetings": meetings,
            "plan_sections": plan_html.plan_sections(meetings, committee_name=committee.name, sees_agenda=sees_agenda)
            if meetings
            else "",
            "can_plan": roles.is_administrator or is_chair,
            "agenda_warnings": agenda_warnings,
            "agenda_warning_title": ngettext(
                "%(counter)s case on the next agenda has a hearing that is not closed:",
                "%(counter)s cases on the next agenda have hearings that are not closed:",
                len(agenda_warnings),
            )
            % {"counter": len(agenda_warnings)}
            if agenda_warnings
            else "",
            "sees_agenda": sees_agenda,
        },
    )


def _plan_rows(meetings: list[dict], cases: dict) -> None:
    """The plan's rows (meetings/_plan_meetings.jinja): a meeting list's labels, the month
    headings as |date:"F" writes them and each meeting's committee cases."""
    label_rows(meetings)
    months = _words().months
    for meeting in meetings:
        meeting["month_name"] = months[meeting["month"]]
        meeting["plan_cases"] = cases.get(meeting["pk"], [])
        if meeting["plan_cases"]:
            meeting["cases_label"] = ngettext("Case:", "Cases:", len(meeting["plan_cases"]))


def workplace_meetings(request, slug: str):
    workplace = get_workplace_for_user(request.user, slug)
    past = request.GET.get("when") == "past"
    meetings = selectors.workplace_meetings(workplace, user=request.user, past=past)
    rows = selectors.list_values(meetings, selectors.person_id_of(request.user), "committee__name")
    page = page_of(rows, PAGE_SIZE, request.GET.get("page"))
    label_rows(page.object_list)
    return render(
        request,
        "meetings/workplace_meetings.html",
        {
            "workplace": workplace,
            "page": page,
            "meeting_rows": plan_html.meeting_rows,
            "past": past,
            "can_manage": request.user.has_perm("meetings.manage_visit_times", workplace),
        },
    )


# --- One meeting -------------------------------------------------------------------------


# _agreement_to_discuss's query per vendor, compiled once (samspil/compiled.py): building
# and compiling the ArraySubquery cost more than running it.
_AGREEMENT_QUERIES: dict[str, CompiledQuery] = {}


def _agreement_query(vendor: str) -> CompiledQuery:
    if vendor not in _AGREEMENT_QUERIES:
        from agreements.models import Agreement

        stand_ins = StandIns()
        on = stand_ins.date("on")
        agreements = Agreement.objects.select_related("template").filter(
            workplace_id=stand_ins.id("workplace"), template__period_start__lte=on, template__period_end__gte=on
        )
        if vendor == "postgresql":  # ArraySubquery; elsewhere the rule reads them itself
            agreements = agreements.annotate(
                workplace_committee_ids=ArraySubquery(
                    Workplace.committees.through.objects.filter(workplace_id=OuterRef("workplace_id")).values(
                        "committee_id"
                    )
                )
            )
        # What .first() reads.
        first = (agreements if agreements.ordered else agreements.order_by("pk"))[:1]
        _AGREEMENT_QUERIES[vendor] = CompiledQuery(first, stand_ins)
    return _AGREEMENT_QUERIES[vendor]


def _agreement_to_discuss(user, meeting: Meeting):
    """The host's current development agreement, which its dialogue meetings follow up."""
    if meeting.host_id is None or meeting.kind.slug == MeetingKind.VISIT:
        return None
    # agreements.selectors.agreement_of_workplace, with the host's responsible committees
    # (the agreement's rule asks for them) in the same query; the host is already read.
    on = timezone.localtime(meeting.starts_at).date()
    found = _agreement_query(connection.vendor).instances({"workplace": meeting.host_id, "on": on})
    if not found:
        return None
    agreement = found[0]
    agreement.workplace = meeting.host
    if hasattr(agreement, "workplace_committee_ids"):
        meeting.host.__dict__.setdefault("_committee_ids", set(agreement.workplace_committee_ids))
    if not rules.has_perm("agreements.view_agreement", user, agreement):
        return None
    return agreement


def _meeting_context(request, meeting: Meeting) -> dict:
    user = request.user
    roles = roles_of(user)
    participants = list(selectors.meeting_participants(meeting))
    me = next((p for p in participants if p.person_id == user.pk), None)
    # The rules read this instead of asking the database again.
    meeting.__dict__.setdefault("_perm_cache", {})[f"participant:{user.pk}"] = me is not None
    minutes = getattr(meeting, "minutes", None) if _has_minutes(meeting) else None
    can_read_minutes = minutes is not None and user.has_perm("meetings.view_minutes", meeting)
    # "Slettet person" only where history needs it: locked minutes list everyone who took
    # part; everywhere else erased people are left out.
    history = minutes is not None and minutes.is_locked
    listed = participants if history else [p for p in participants if not erased(p.person)]
    # get_role_display and get_response_display, each label translated once per page
    # rather than its choices looked up and translated again for every row.
    roles_named = {value: str(label) for value, label in Participant.MeetingRole.choices}
    responses_named = {value: str(label) for value, label in Participant.Response.choices}
    for participant in listed:
        participant.role_label = roles_named.get(participant.role, participant.role)
        participant.response_label = responses_named.get(participant.response, participant.response)
    sees_drafts = can_read_minutes and user.has_perm("meetings.view_draft_minutes", meeting)
    workplaces = other_workplaces(meeting)
    versions = _readable_versions(user, meeting, minutes) if can_read_minutes else []
    staff_ids = {w.pk for w in workplaces} | ({meeting.host_id} if meeting.host_id else set())
    return {
        "agreement": _agreement_to_discuss(user, meeting),
        "meeting": meeting,
        "participants": listed,
        "history": history,
        "attendance": minutes_services.attendance_context(listed, minutes if can_read_minutes else None),
        "reading": minutes_services.reading_context(user, minutes, sees_drafts=sees_drafts),
        "minutes_actions": [] if history else MINUTES.available_actions(user, minutes or Minutes(meeting=meeting)),
        "me": me,
        # A visit the person cancelled or moved: the page says so instead of vanishing.
        "my_ended_booking": visit_selectors.my_ended_booking(user, meeting) if me is None else None,
        # A visit: who is coming, their purposes, the leader's answers and the member's move
        # and cancel (one query, only for visits).
        "visit_bookings": visit_selectors.visit_bookings(meeting),
        "agenda": agenda_items(meeting),
        "workplaces": workplaces,
        "minutes": minutes if can_read_minutes else None,
        "versions": versions,
        "can_change": user.has_perm("meetings.change_meeting", meeting),
        "can_write_minutes": user.has_perm("meetings.change_minutes", meeting),
        "can_lock_minutes": user.has_perm("meetings.lock_minutes", meeting),
        "sees_preparation": roles.is_leadership
        or bool(staff_ids & roles.staff_workplace_ids)
        or me is not None
        or meeting.organiser_id == user.pk,
        "counts": {response: sum(1 for p in listed if p.response == response) for response in Participant.Response},
        # What meetings/_meeting_body.jinja prints without Django's tags: `|current_name:history`
        # and the versions' plural.
        "organiser_name": current_name(meeting.organiser, history),
        "versions_label": _versions_label(versions) if minutes is not None and minutes.version else "",
    }


def _versions_label(versions: list) -> str:
    return ngettext("%(counter)s version so far.", "%(counter)s versions so far.", len(versions)) % {
        "counter": len(versions)
    }


def _readable_versions(user, meeting: Meeting, minutes: Minutes) -> list[MinutesVersion]:
    """Drafts for those who write the minutes; the locked version for everyone else."""
    drafts = user.has_perm("meetings.view_draft_minutes", meeting)
    read = minutes_versions(meeting)
    if read is not None:
        return read if drafts else [version for version in read if version.status == Minutes.Status.LOCKED]
    # The page counts them: not their texts, nor their authors.
    versions = minutes.versions.only("minutes_id", "number", "status").order_by("-number")
    if not drafts:
        versions = versions.filter(status=Minutes.Status.LOCKED)
    return list(versions)


def _has_minutes(meeting: Meeting) -> bool:
    try:
        return meeting.minutes is not None
    except Minutes.DoesNotExist:
        return False


def meeting_detail(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, page=True)
    context = _meeting_context(request, meeting)
    # What the page's `{% available_actions %}` tags asked (meetings/_meeting_detail.jinja):
    # the meeting's, the visit's bookings' and the reader's own ended booking's.
    context["actions"] = get_workflow("meeting").available_actions(request.user, meeting)
    bookings = get_workflow("booking")
    for booking in context["visit_bookings"]:
        booking.available_actions = bookings.available_actions(request.user, booking)
    ended = context["my_ended_booking"]
    context["ended_actions"] = bookings.available_actions(request.user, ended) if ended is not None else []
    return render(request, "meetings/meeting_detail.html", context)


def meeting_print(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, page=True)
    return render(request, "meetings/meeting_print.html", _meeting_context(request, meeting))


def meeting_create(request):
    if not rules.has_perm("meetings.add_meeting", request.user):
        raise PermissionDenied
    initial = {}
    if kind := MeetingKind.objects.filter(slug=request.GET.get("kind", "")).first():
        initial["kind"] = kind
    if committee := Committee.objects.filter(slug=request.GET.get("committee", "")).first():
        initial["committee"] = committee
    # The coverage plan links here with the workplace it suggests meeting.
    if host := Workplace.objects.filter(slug=request.GET.get("host", ""), is_active=True).first():
        initial["host"] = host
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                kind=form.cleaned_data["kind"], organiser=request.user, actor=request.user, **form.meeting_values()
            )
        except ServiceError as error:
            apply_service_errors(form, error, {"ends_at": "end", "starts_at": "date"})
        else:
            messages.success(request, _("The meeting is created and the participants are invited."))
            for note in form.dst_notes:
                messages.info(request, note)
            return redirect(meeting)
    status = 400 if form.errors else 200
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None}, status=status)


def meeting_edit(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, actor=request.user, **form.meeting_values())
        except ServiceError as error:
            apply_service_errors(form, error, {"ends_at": "end", "starts_at": "date"})
        else:
            messages.success(request, _("The meeting is saved."))
            for note in form.dst_notes:
                messages.info(request, note)
            return redirect(meeting)
    status = 400 if form.errors else 200
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting}, status=status)


def meeting_agenda(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    formset = agenda_formset(meeting, request.POST or None)
    if request.method == "POST" and formset.is_valid():
        items, delete_ids = [], []
        for form in formset.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk:
                    delete_ids.append(form.instance.pk)
                continue
            if not form.cleaned_data.get("title"):
                if form.instance.pk:
                    form.add_error("title", _("Give the item a title, or tick delete."))
                continue
            row = {"id": form.instance.pk, **{name: form.cleaned_data.get(name) for name in services.AGENDA_FIELDS}}
            items.append((form.cleaned_data.get("ORDER") or 999, row))
        if not any(form.errors for form in formset.forms):
            ordered = [row for _order, row in sorted(items, key=lambda pair: pair[0])]
            services.agenda_save(meeting=meeting, items=ordered, delete_ids=delete_ids)
            messages.success(request, _("The agenda is saved."))
            return redirect(meeting)
    return render(request, "meetings/meeting_agenda.html", {"meeting": meeting, "formset": formset})


def meeting_cancel(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is cancelled."))
            return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting, "form": form})


@require_POST
def meeting_held(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        services.meeting_mark_held(meeting=meeting, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting is marked as held. Write the minutes next."))
    return redirect(meeting)


@require_POST
def meeting_respond(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    # rules.has_perm, not user.has_perm: administrators may do everything else, but
    # only the invited can answer.
    if not rules.has_perm("meetings.respond_meeting", request.user, meeting):
        raise PermissionDenied
    form = RespondForm(request.POST)
    if form.is_valid():
        services.participant_respond(meeting=meeting, person=request.user, response=form.cleaned_data["response"])
        messages.success(request, _("Your answer is saved."))
    else:
        messages.error(request, _("Answer yes, no or maybe."))
    return redirect(meeting)


def meeting_participants(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = ParticipantAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.participant_add(
            meeting=meeting, person=form.cleaned_data["person"], role=form.cleaned_data["role"], actor=request.user
        )
        messages.success(request, _("The person is invited."))
        return redirect(meeting)
    return render(request, "meetings/meeting_participants.html", {"meeting": meeting, "form": form})


# --- Minutes -----------------------------------------------------------------------------


def minutes_edit(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("meetings.change_minutes", meeting):
        raise PermissionDenied
    minutes = meeting.minutes if _has_minutes(meeting) else None
    if minutes is not None and minutes.is_locked:
        messages.info(request, _("The minutes are locked and can no longer change."))
        return redirect(meeting)
    # A new draft starts with one section per agenda item; saved minutes stay as they are.
    text = minutes.text if minutes is not None and minutes.version else minutes_services.outline(meeting)
    initial = {"text": text, "version": minutes.version if minutes else 0}
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                meeting=meeting,
                author=request.user,
                text=form.cleaned_data["text"],
                based_on_version=form.cleaned_data["version"],
            )
        except services.MinutesConflict as error:
            form.add_error("text", error.message)
            current = error.current
            form.data = form.data.copy()
            form.data["version"] = current.version
            return render(request, "meetings/minutes_edit.html", {"meeting": meeting, "form": form, "current": current})
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The minutes are saved as a new version."))
            return redirect(meeting)
    return render(request, "meetings/minutes_edit.html", {"meeting": meeting, "form": form, "current": None})


class MinutesLockForm(forms.Form):
    """Locking is final (issue 16.2): the confirmation page's box, required here."""

    confirm = forms.BooleanField(
        label=gettext_lazy("The minutes are final: lock them and tell the participants named above."),
        error_messages={"required": gettext_lazy("Tick the box to confirm that the minutes are locked.")},
    )


def minutes_lock(request, pk: int):
    """A confirmation page that says what locking does and names the participants; the POST
    needs its box ticked (a post without it is refused at the box) and the service locks."""
    meeting = get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("meetings.lock_minutes", meeting):
        raise PermissionDenied
    form = MinutesLockForm(request.POST if request.method == "POST" else None)
    participants = [
        p.person for p in meeting.participants.select_related("person").order_by("person__full_name", "pk") if p.person
    ]
    context = {"meeting": meeting, "form": form, "participants": participants}
    if request.method != "POST":
        return render(request, "meetings/minutes_lock.html", context)
    if not form.is_valid():
        return render(request, "meetings/minutes_lock.html", context, status=400)
    try:
        services.minutes_lock(meeting=meeting, actor=request.user, early=bool(request.POST.get("early")))
    except minutes_services.ReadingOpen as refusal:
        # Before the reading deadline: who has not read, and "lock anyway".
        context = {"meeting": meeting, "refusal": refusal}
        return render(request, "meetings/minutes_lock_early.html", context, status=409)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The minutes are locked."))
    return redirect(meeting)


def minutes_compare(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    if not _has_minutes(meeting) or not request.user.has_perm("meetings.view_minutes", meeting):
        raise Http404
    versions = list(meeting.minutes.versions.select_related("author").order_by("number"))
    if not request.user.has_perm("meetings.view_draft_minutes", meeting):
        versions = [v for v in versions if v.status == Minutes.Status.LOCKED]
    if not versions:
        raise Http404
    by_number = {v.number: v for v in versions}

    def pick(name: str, default: MinutesVersion) -> MinutesVersion:
        try:
            return by_number.get(int(request.GET.get(name, "")), default)
        except ValueError:
            return default

    left = pick("a", versions[0])
    right = pick("b", versions[-1])
    return render(
        request,
        "meetings/minutes_compare.html",
        {
            "meeting": meeting,
            "versions": versions,
            "left": left,
            "right": right,
            "rows": services.minutes_compare(left, right),
        },
    )


# --- Repeating meetings ------------------------------------------------------------------


def series_create(request, slug: str):
    committee = get_committee_for_user(request.user, slug)
    roles = roles_of(request.user)
    if not (roles.is_administrator or committee.pk in roles.chaired_committee_ids):
        raise PermissionDenied
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _series, meetings = services.series_create(
                organiser=request.user, actor=request.user, committee=committee, **{k: v for k, v in data.items()}
            )
        except ServiceError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(n)s meetings are planned.") % {"n": len(meetings)})
            for note in form.dst_notes:
                messages.info(request, note)
            return redirect(f"{committee_plan_url(committee)}?year={timezone.localtime(meetings[0].starts_at).year}")
    status = 400 if form.errors else 200
    return render(request, "meetings/series_form.html", {"committee": committee, "form": form}, status=status)


def committee_plan_url(committee) -> str:
    return reverse("meetings:committee_plan", args=[committee.slug])
