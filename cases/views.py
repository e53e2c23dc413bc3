"""Committee case pages. Thin views: parse, check the right to the object, call a service
or selector, render. A refused service answers 400 with the field's message and the
user's text kept; a lost race answers 409 with the row as it is now."""

from __future__ import annotations

import logging

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.permissions import get_meeting_for_user
from organisation.roles import roles_of
from samspil.compiled import CompiledQuery, StandIns
from samspil.errors import Conflict, ServiceError
from samspil.paging import page_query

from . import selectors, services
from .forms import (
    AnswerForm,
    CaseFilterForm,
    CaseForm,
    ContributionForm,
    DecisionForm,
    InviteForm,
    OverrideForm,
    SpeakForm,
    SpeakingDecisionForm,
    workplace_people,
)
from .models import Case, Hearing
from .permissions import get_case_for_user, get_hearing_for_chair, get_hearing_for_user, has_perm
from .workflows import CASE_WORKFLOW

logger = logging.getLogger(__name__)
PAGE_SIZE = 50
# Actions taken with one button; `override` and `decide` have their own forms.
SIMPLE_ACTIONS = {
    "open_hearing": services.case_open_hearing,
    "mark_ready": services.case_mark_ready,
    "mark_treated": services.case_mark_treated,
}


def _may_register(user) -> bool:
    roles = roles_of(user)
    return roles.is_administrator or bool(roles.secretary_committee_ids or roles.chaired_committee_ids)


# --- Cases -----------------------------------------------------------------------------------


class _RowsPaginator(Paginator):
    """Pages of value rows, counted from the plain queryset: the rows' joins (committee,
    meeting) and counts would otherwise be built into the COUNT(*) over every case."""

    def __init__(self, rows, per_page, *, count_from):
        super().__init__(rows, per_page)
        self._count_from = count_from

    @cached_property
    def count(self) -> int:
        return self._count_from.count()


def case_list(request):
    form = CaseFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    # The page asked for and the count in one query; a page past the end as Paginator has it
    # (only then are the querysets built: building them cost more than the page's SQL).
    rows, total, number = selectors.case_list_page(
        request.user, status=status, per_page=PAGE_SIZE, number=request.GET.get("page")
    )
    if total is not None or number == 1:
        paginator = Paginator([], PAGE_SIZE)
        paginator.count = total or 0  # a cached_property: set, it is not computed
        page = Page(rows, number, paginator)
    else:
        paginator = _RowsPaginator(
            selectors.case_list_rows(request.user, status=status),
            PAGE_SIZE,
            count_from=selectors.case_list(request.user, status=status),
        )
        page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    dates: dict = {}
    for row in rows:
        # What {{ starts_at|date:"j. F Y" }} and {{ n }} print, once per local day (the rows
        # of a page share a few days) and as plain digits (no thousands separator).
        day = template_localtime(row["starts_at"]).date()
        if day not in dates:
            dates[day] = date_filter(day, "j. F Y")
        row["meeting_date"] = dates[day]
        row["hearings"] = f"{row['open_hearings']} / {row['hearing_count']}"
    roles = roles_of(request.user)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "cases": rows,
            "status_labels": {value: str(label) for value, label in Case.Status.choices},
            "may_register": _may_register(request.user),
            "page_query": page_query(request),
            "hearings": list(selectors.hearings_to_answer(roles.led_workplace_ids)[:20])
            if roles.led_workplace_ids
            else [],
        },
    )


def case_create(request):
    if not _may_register(request.user):
        raise PermissionDenied
    form = CaseForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_register(
                    meeting=data["meeting"],
                    title=data["title"],
                    summary=data["summary"],
                    kind=data["kind"],
                    workplaces=data["all_workplaces"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    esdh_number=data["esdh_number"],
                    esdh_url=data["esdh_url"],
                    by=request.user,
                    open_hearing=request.POST.get("submit") != "draft",
                )
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                if case.status == Case.Status.IN_HEARING:
                    messages.success(request, _("The case is registered and the workplaces are heard."))
                else:
                    messages.success(request, _("The case is saved as a draft."))
                return redirect(case)
        status = 400
    return render(request, "cases/case_form.html", {"form": form}, status=status)


def _case_context(request, case: Case, **bound) -> dict:
    user = request.user
    hearings = selectors.case_hearings(case)
    # The workflow's gate reads the hearings from here instead of asking again.
    case._prefetched_objects_cache = {**getattr(case, "_prefetched_objects_cache", {}), "hearings": hearings}
    actions = CASE_WORKFLOW.available_actions(user, case)
    today = timezone.localdate()
    for hearing in hearings:
        hearing.state_now = hearing.state(today)
        hearing.may_decide = has_perm(user, "cases.decide_speaking", hearing)
        hearing.may_open = hearing.workplace_id in roles_of(user).led_workplace_ids
        hearing.decision_form = bound.get("speaking_errors", {}).get(hearing.pk)
    may_override, may_decide = "override" in actions, "decide" in actions
    # Each form only where the page shows it (a form costs its fields' copies to build).
    return {
        "case": case,
        "hearings": hearings,
        "actions": [(a, CASE_WORKFLOW.transition(a).label) for a in actions if a in SIMPLE_ACTIONS],
        "may_override": may_override,
        "may_decide": may_decide,
        "gate_closed": case.status == Case.Status.IN_HEARING and any(h.is_open for h in hearings),
        "sees_agenda": _sees_agenda(user, case.committee_id),
        "override_form": bound.get("override_form") or (OverrideForm() if may_override else None),
        "decision_form": bound.get("decision_form") or (DecisionForm() if may_decide else None),
        "speaking_form": SpeakingDecisionForm() if any(h.may_decide for h in hearings) else None,
    }


def case_detail(request, pk: int):
    case = get_case_for_user(request.user, pk)
    return render(request, "cases/detail.html", _case_context(request, case))


def case_print(request, pk: int):
    case = get_case_for_user(request.user, pk)
    return render(request, "cases/print.html", _case_context(request, case))


@require_POST
def case_action(request, pk: int, action: str):
    if action not in SIMPLE_ACTIONS:
        raise Http404
    case = get_case_for_user(request.user, pk, write=True)
    try:
        case = SIMPLE_ACTIONS[action](case=case, by=request.user)
    except Conflict as error:
        messages.error(request, error.message)
        return render(request, "cases/detail.html", _case_context(request, error.current or case), status=409)
    except ServiceError as error:
        messages.error(request, error.message)
        return render(request, "cases/detail.html", _case_context(request, case), status=400)
    messages.success(request, _("The case is now: %(status)s.") % {"status": case.get_status_display()})
    return redirect(case)


@require_POST
def case_override(request, pk: int):
    case = get_case_for_user(request.user, pk, write=True, perm="cases.override_hearing")
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.case_override(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The case goes on to the committee; the reason is shown on the case."))
            return redirect(case)
    return render(request, "cases/detail.html", _case_context(request, case, override_form=form), status=400)


@require_POST
def case_decide(request, pk: int):
    case = get_case_for_user(request.user, pk, write=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.case_decide(case=case, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The decision is recorded and the heard workplaces are told."))
            return redirect(case)
    return render(request, "cases/detail.html", _case_context(request, case, decision_form=form), status=400)


def case_pdf(request, pk: int):
    case = get_case_for_user(request.user, pk)
    from .pdf import render_case_pdf

    try:
        pdf = render_case_pdf(request, case, selectors.case_hearings(case))
    except OSError:
        # WeasyPrint needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0); a laptop may lack it.
        logger.exception("PDF rendering is unavailable")
        messages.error(request, _("The PDF cannot be made on this server right now. Use Print instead."))
        return redirect(case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sag-{case.pk}-bilag.pdf"'
    return response


def _sees_agenda(user, committee_id: int) -> bool:
    """Who reads a committee meeting's case agenda: the leadership, the committee's members
    and chair, and its secretaries (who are not participants of its meetings)."""
    roles = roles_of(user)
    return roles.is_leadership or committee_id in (roles.committee_ids | roles.secretary_committee_ids)


# _agenda_meeting's query, compiled once per vendor (samspil/compiled.py).
_AGENDA_MEETING: dict[str, CompiledQuery] = {}


def _agenda_meeting(user, pk: int):
    from meetings.models import Meeting

    compiled = _AGENDA_MEETING.get(connection.vendor)
    if compiled is None:
        stand_ins = StandIns()
        meetings = Meeting.objects.filter(pk=stand_ins.id("pk"), committee__isnull=False).select_related("committee")
        # What .first() reads.
        first = (meetings if meetings.ordered else meetings.order_by("pk"))[:1]
        compiled = _AGENDA_MEETING[connection.vendor] = CompiledQuery(first, stand_ins)
    meeting = next(iter(compiled.instances({"pk": pk})), None)
    if meeting is not None and _sees_agenda(user, meeting.committee_id):
        return meeting
    # Anyone else as the meeting's own rule says (a participant, say): stranger → 404.
    meeting = get_meeting_for_user(user, pk)
    if meeting.committee_id is None:
        raise Http404
    return meeting


def meeting_agenda(request, pk: int):
    """The committee's agenda view: the meeting's cases with each hearing's state at a glance."""
    meeting = _agenda_meeting(request.user, pk)
    # The same rule as the case page: a draft is the secretariat's and the chair's.
    cases = selectors.meeting_cases(meeting, request.user)
    roles = roles_of(request.user)
    return render(
        request,
        "cases/agenda.html",
        {
            "meeting": meeting,
            "cases": cases,
            "warnings": [c for c in cases if c.open_hearing_count and c.status in ("draft", "in_hearing")],
            "is_chair": meeting.committee_id in roles.chaired_committee_ids,
            # The committee's secretaries read its case agenda but not its meetings' pages.
            "sees_meeting": roles.is_leadership or meeting.committee_id in roles.committee_ids,
        },
    )


# --- Hearings --------------------------------------------------------------------------------


def _hearing_context(request, hearing: Hearing, **bound) -> dict:
    user = request.user
    invitees = selectors.hearing_invitees(hearing)
    invited_ids = [invitee.person_id for invitee in invitees]
    # The rules' is_invited reads its answer from here instead of asking again.
    hearing.__dict__.setdefault("_invited", {}).setdefault(user.pk, user.pk in invited_ids)
    may_answer = has_perm(user, "cases.answer_hearing", hearing)
    may_contribute = has_perm(user, "cases.contribute_hearing", hearing)
    needs_invite = may_answer and "invite_form" not in bound
    needs_speak = (
        "speak_form" not in bound
        and hearing.speaking != Hearing.Speaking.ACCEPTED
        and has_perm(user, "cases.view_hearing", hearing)
    )
    # Both forms choose among the workplace's people: one query for the two.
    people = (
        workplace_people(hearing.workplace_id, hearing.__dict__.get("people_rows"))
        if needs_invite or needs_speak
        else None
    )
    return {
        "hearing": hearing,
        "case": hearing.case,
        "may_answer": may_answer,
        "may_contribute": may_contribute,
        "contributions": selectors.hearing_contributions(hearing),
        "invitees": invitees,
        "answer_form": bound.get("answer_form")
        or (AnswerForm(initial={"answer": hearing.answer, "version": hearing.version}) if may_answer else None),
        "invite_form": bound.get("invite_form")
        or (InviteForm(workplace_id=hearing.workplace_id, exclude=invited_ids, people=people) if may_answer else None),
        "contribution_form": bound.get("contribution_form") or (ContributionForm() if may_contribute else None),
        "speak_form": bound.get("speak_form")
        or (
            SpeakForm(
                workplace_id=hearing.workplace_id,
                people=people,
                initial={
                    "presenter": hearing.presenter_id,
                    "presenter_name": hearing.presenter_name,
                    "presenter_title": hearing.presenter_title,
                },
            )
            if needs_speak
            else None
        ),
        "may_ask_to_speak": hearing.workplace_id in roles_of(user).led_workplace_ids
        and hearing.case.status in (Case.Status.IN_HEARING, Case.Status.READY)
        and hearing.speaking != Hearing.Speaking.ACCEPTED,
        "conflict": bound.get("conflict"),
        "crispy": as_crispy_form,
    }


def hearing_detail(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk, page=True)
    return render(request, "cases/hearing.html", _hearing_context(request, hearing))


def _saved_status(request, *, version: int, form=None, conflict=None):
    return render(
        request,
        "cases/_saved_status.html",
        {"version": version, "form": form, "conflict": conflict, "saved_at": timezone.localtime()},
    )


@require_POST
def answer_save(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk, write=True)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _saved_status(request, version=form["version"].value(), form=form)
        return render(request, "cases/hearing.html", _hearing_context(request, hearing, answer_form=form), status=400)
    try:
        current = services.hearing_save_answer(
            hearing=hearing, answer=form.cleaned_data["answer"], version=form.cleaned_data["version"]
        )
    except Conflict as error:
        # No lost words: theirs is shown, yours stays in the box, and the next save is
        # based on theirs (it replaces it knowingly).
        theirs = error.current
        kept = AnswerForm(initial={"answer": form.cleaned_data["answer"], "version": theirs.version})
        conflict = {"theirs": theirs.answer}
        if request.htmx:
            return _saved_status(request, version=theirs.version, conflict=conflict)
        context = _hearing_context(request, hearing, answer_form=kept, conflict=conflict)
        return render(request, "cases/hearing.html", context, status=409)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(hearing)
    if request.htmx:
        return _saved_status(request, version=current.version, form=form)
    messages.success(request, _("The draft is saved."))
    return redirect(hearing)


@require_POST
def hearing_submit(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk, write=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.hearing_submit(
                hearing=hearing,
                answer=form.cleaned_data["answer"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except Conflict as error:
            kept = AnswerForm(initial={"answer": form.cleaned_data["answer"], "version": error.current.version})
            context = _hearing_context(request, hearing, answer_form=kept, conflict={"theirs": error.current.answer})
            return render(request, "cases/hearing.html", context, status=409)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The answer is submitted and shown on the case."))
            return redirect(hearing.case)
    return render(request, "cases/hearing.html", _hearing_context(request, hearing, answer_form=form), status=400)


@require_POST
def hearing_no_comments(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk, write=True)
    try:
        services.hearing_no_comments(hearing=hearing, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(hearing)
    messages.success(request, _("The workplace has said that it has no comments."))
    return redirect(hearing.case)


@require_POST
def hearing_invite(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk, write=True)
    invited = list(hearing.invitees.values_list("person_id", flat=True))
    form = InviteForm(request.POST, workplace_id=hearing.workplace_id, exclude=invited)
    if form.is_valid():
        try:
            count = services.hearing_invite(hearing=hearing, people=form.cleaned_data["people"], by=request.user)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(n)s invited to contribute.") % {"n": count})
            return redirect(hearing)
    return render(request, "cases/hearing.html", _hearing_context(request, hearing, invite_form=form), status=400)


@require_POST
def contribution_add(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk, write=True, perm="cases.contribute_hearing")
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_add(hearing=hearing, author=request.user, text=form.cleaned_data["text"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your input is added; the leader sees it."))
            return redirect(hearing)
    context = _hearing_context(request, hearing, contribution_form=form)
    return render(request, "cases/hearing.html", context, status=400)


@require_POST
def speak_request(request, pk: int):
    hearing = get_hearing_for_user(request.user, pk)
    if not _hearing_context_may_ask(request.user, hearing):
        raise PermissionDenied
    form = SpeakForm(request.POST, workplace_id=hearing.workplace_id)
    if form.is_valid():
        try:
            services.hearing_ask_to_speak(hearing=hearing, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The request to speak is sent to the chair."))
            return redirect(hearing)
    return render(request, "cases/hearing.html", _hearing_context(request, hearing, speak_form=form), status=400)


def _hearing_context_may_ask(user, hearing: Hearing) -> bool:
    return (
        hearing.workplace_id in roles_of(user).led_workplace_ids
        and hearing.case.status in (Case.Status.IN_HEARING, Case.Status.READY)
        and hearing.speaking != Hearing.Speaking.ACCEPTED
    )


@require_POST
def speak_decide(request, pk: int, decision: str):
    if decision not in ("accept", "decline"):
        raise Http404
    hearing = get_hearing_for_chair(request.user, pk)
    form = SpeakingDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.hearing_decide_speaking(
                hearing=hearing,
                by=request.user,
                accept=decision == "accept",
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
            )
        except Conflict as error:
            messages.error(request, error.message)
            return render(request, "cases/detail.html", _case_context(request, hearing.case), status=409)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The workplace is told."))
            return redirect(hearing.case)
    errors = {hearing.pk: form}
    return render(
        request, "cases/detail.html", _case_context(request, hearing.case, speaking_errors=errors), status=400
    )
