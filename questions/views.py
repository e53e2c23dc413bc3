"""Thin views: parse, check, call a service, render."""

from __future__ import annotations

import datetime as dt

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisation.models import Committee
from organisation.roles import roles_of
from portal.rawsql import Constant
from samspil import compiled
from samspil.errors import ServiceError

from . import services
from .figures import cached as cached_figures
from .forms import AnswerForm, AskForm, DeadlineForm, HandOverForm
from .models import Question
from .permissions import get_question_for_user, visibility_values, visible_questions
from .workflows import QUESTION

PAGE_SIZE = 30


# What a row of the list shows: plain values, no model instances (questions/_list.jinja).
ROW_FIELDS = (
    "pk",
    "text",
    "status",
    "deadline",
    "answered_at",
    "asker__full_name",
    "workplace__name",
    "committee__name",
    "committee__short_name",
    "answered_by__full_name",
)


def _labelled(rows: list[dict]) -> list[dict]:
    """Each row's URL (reversed once per page, not per row) and date as the list printed it
    (|date:"SHORT_DATE_FORMAT", local time): the answer time of an answered question, the
    deadline of an open one. Made once per date: the date filter costs ~15 µs a call and a
    page's deadlines are mostly a few days."""
    marker = "987654321"
    head, _, tail = reverse("questions:detail", args=[marker]).rpartition(marker)
    labels: dict[dt.date, str] = {}
    for row in rows:
        row["url"] = f"{head}{row['pk']}{tail}"
        when = row["answered_at"] if row["status"] == "answered" else row["deadline"]
        if when is None:  # as the filter printed it
            row["when"] = ""
            continue
        if isinstance(when, dt.datetime):
            when = timezone.localdate(when)
        label = labels.get(when)
        if label is None:
            label = labels[when] = date_format(when, "SHORT_DATE_FORMAT")
        row["when"] = label
    return rows


class _CompiledPage:
    """The list's rows as a paginator slices them: each page one query, compiled once per
    tab, page and shape of the reader's rule (samspil/compiled.py)."""

    def __init__(self, tab: str, values: dict | None) -> None:
        self.tab, self.values = tab, values

    def __getitem__(self, rows: slice) -> list[dict]:
        tab, values = self.tab, self.values
        # A whole page from its first row: the last page's shorter slice would compile
        # again for every count.
        start, stop = rows.start, rows.start + PAGE_SIZE

        def build(stand_ins: dict):
            visible = visible_questions(None if values is None else stand_ins)
            # The status a literal: the generic plan then reads the partial index of the
            # tab (a parameter cannot match its predicate: 9 ms a run instead of 0.2).
            answered = Q(status=Constant(Question.Status.ANSWERED))
            shown = visible.filter(answered) if tab == "answered" else visible.exclude(answered)
            # The order matches the indexes question_open_deadline and question_answered_recent.
            ordered = shown.order_by("deadline" if tab == "open" else "-answered_at", "pk")
            return ordered.values(*ROW_FIELDS)[start:stop]

        return compiled.values_rows(("questions list", tab, values is None, start), build, **(values or {}))


def question_list(request):
    values = visibility_values(request.user)
    tab = "answered" if request.GET.get("status") == "answered" else "open"
    # Both tabs' counts and the median in one query, for the leadership from the cache
    # while no question changed (questions/figures.py); the paginator takes its count
    # from them (no third COUNT).
    if values is None:  # the leadership: every question
        figures = cached_figures(lambda: services.question_figures(None))
    else:
        figures = services.question_figures(values)
    paginator = Paginator(_CompiledPage(tab, values), PAGE_SIZE)
    paginator.count = figures[tab]  # a cached_property: set, it is not computed again
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _labelled(list(page.object_list))
    user = request.user
    return render(
        request,
        "questions/list.html",
        {
            "page": page,
            "tab": tab,
            "open_count": figures["open"],
            "answered_count": figures["answered"],
            "median_days": figures["median_days"],
            # The rule itself, not user.has_perm: Django's ModelBackend would spend two
            # queries on permission rows Samspil does not use (a superuser holds it anyway).
            "may_ask": user.is_active and (user.is_superuser or rules.has_perm("questions.ask_question", user)),
        },
    )


def question_ask(request):
    if not request.user.has_perm("questions.ask_question"):
        raise PermissionDenied
    committees = list(Committee.objects.filter(pk__in=roles_of(request.user).committee_ids).order_by("name"))
    by_committee = {
        c.pk: list(services.workplaces_to_ask(request.user, c.pk).select_related("kind")) for c in committees
    }
    form = AskForm(request.POST or None, committees=committees, workplaces_by_committee=by_committee)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                questions = services.question_ask(
                    asker=request.user,
                    committee_id=data["committee"],
                    workplace_ids=data["workplaces"],
                    text=data["text"],
                    deadline=data["deadline"],
                    not_about_a_person=data["not_about_a_person"],
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Your question is sent, exactly as you wrote it."))
                return redirect(questions[0] if len(questions) == 1 else "questions:list")
        status = 400
    return render(request, "questions/ask.html", {"form": form}, status=status)


def _detail(request, question: Question, *, status: int = 200, **forms):
    actions = QUESTION.available_actions(request.user, question)
    leads = question.workplace_id in roles_of(request.user).led_workplace_ids
    context = {
        "question": question,
        "actions": actions,
        "hand_over_form": forms.get("hand_over_form")
        or (HandOverForm(colleagues=services.colleagues(question)) if "hand_over" in actions else None),
        "answer_form": forms.get("answer_form") or (AnswerForm() if "answer" in actions else None),
        "deadline_form": forms.get("deadline_form")
        or (DeadlineForm() if leads and not question.is_answered and not question.deadline_renegotiated else None),
        "may_agree": question.is_answered
        and (
            (request.user.pk == question.asker_id and not question.asker_agrees_to_publish)
            or (leads and not question.workplace_agrees_to_publish)
        ),
    }
    return render(request, "questions/detail.html", context, status=status)


def _require(request, question: Question, action: str) -> None:
    """A reader who may not take this step is refused before any form is read (403)."""
    if not QUESTION.is_available(request.user, question, action):
        raise PermissionDenied


def question_detail(request, pk: int):
    return _detail(request, get_question_for_user(request.user, pk))


@require_POST
def question_hand_over(request, pk: int):
    question = get_question_for_user(request.user, pk)
    _require(request, question, "hand_over")
    form = HandOverForm(request.POST, colleagues=services.colleagues(question))
    if form.is_valid():
        try:
            services.question_hand_over(question=question, by=request.user, assignee_id=form.cleaned_data["assignee"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The question is handed over. Your colleague answers under their own name."))
            return redirect(question)
    return _detail(request, question, status=400, hand_over_form=form)


@require_POST
def question_answer(request, pk: int):
    question = get_question_for_user(request.user, pk)
    _require(request, question, "answer")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(question=question, by=request.user, answer=form.cleaned_data["answer"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your answer is sent to the asker and visible to the committee."))
            return redirect(question)
    return _detail(request, question, status=400, answer_form=form)


@require_POST
def question_move_deadline(request, pk: int):
    question = get_question_for_user(request.user, pk)
    if question.workplace_id not in roles_of(request.user).led_workplace_ids:
        raise PermissionDenied
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.question_move_deadline(
                question=question,
                by=request.user,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The new deadline is sent to the asker with your reason."))
            return redirect(question)
    return _detail(request, question, status=400, deadline_form=form)


@require_POST
def question_agree_to_publish(request, pk: int):
    question = get_question_for_user(request.user, pk)
    try:
        question = services.question_agree_to_publish(question=question, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if question.story_id:
            messages.success(
                request, _("Both sides agree: the question and answer wait as a story for the leader's review.")
            )
        else:
            messages.success(request, _("Noted. It is published as a story only when the other side agrees too."))
    return redirect(question)
