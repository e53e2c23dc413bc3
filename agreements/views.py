"""Agreement pages. Every form works as a plain POST; htmx adds autosave on top.

Autosave (static/agreements/drafting.js): each field saves on its own through `field_save`
with its own version; a stale version answers 409 with the current text, and the script
shows the conflict next to the field. A heartbeat (`editor_heartbeat`) names who else has
the agreement open and brings the fields someone else changed since. Without JavaScript the
forms post whole and each changed field is still saved on its own version.
"""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organisation.models import Workplace
from organisation.roles import roles_of
from organisation.selectors import filter_units
from samspil.errors import ServiceError
from samspil.widget_html import unit_options

from . import drafting, selectors, services
from .editor_html import EditorFields, GoalCards, page_gettext
from .forms import (
    ApproveForm,
    CommentForm,
    FollowUpForm,
    GoalForm,
    IntroductionForm,
    MilestoneForm,
    NewGoalForm,
    SendToDialogueForm,
    SignForm,
)
from .models import Agreement, FollowUp, Goal, GoalComment, Milestone, Revision
from .permissions import get_agreement_for_user, get_goal_for_user, partner_goals_visible_to
from .services import TransitionError
from .workflows import AGREEMENT

logger = logging.getLogger(__name__)


# --- List, start, partners ------------------------------------------------------------------


def agreement_list(request):
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "committee", "centre", "period")}
    if filters["period"] and not (filters["period"].isdigit() or filters["period"] == selectors.CONCERNING_ME):
        filters["period"] = ""
    templates = selectors.published_periods()
    if "period" not in request.GET:
        # The list opens on what concerns the viewer — their workplace's draft for the next
        # period, the committee's agreements in dialogue — for everyone with such ties; the
        # leadership opens on the current period. "All" (period=) lists every period. Both
        # keep the sort to a slice (2,000 at Copenhagen size rather than 10,000).
        if selectors.has_own_agreements(request.user):
            filters["period"] = selectors.CONCERNING_ME
        else:
            current = selectors.current_template(templates)
            filters["period"] = str(current.pk) if current else ""
    page = selectors.agreements_listed_page(request.user, 50, request.GET.get("page"), **filters)
    # Plain rows, not model instances: each status's label translated once, each date
    # formatted once (get_status_display per row was a sixth of the render time at 50 rows).
    page.object_list = selectors.listed_rows(page.object_list)
    rows_html = selectors.listed_rows_html(page.object_list)
    wheel_template = next((t for t in templates if str(t.pk) == filters["period"]), None) or selectors.current_template(
        templates
    )
    roles = roles_of(request.user)
    committees, centres = filter_units()
    return render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "rows_html": rows_html,
            "filters": filters,
            "statuses": Agreement.Status.choices,
            "committee_options": unit_options(committees, filters["committee"]),
            "centre_options": unit_options(centres, filters["centre"]),
            "templates": templates,
            "cycle_html": _cycle_html(wheel_template),
            "can_start": bool(roles.led_workplace_ids) and bool(templates),
        },
    )


# The yearly cycle card (agreements/_list_cycle.jinja: the wheel and its deadlines) by
# language and period: the same markup for every reader of the list until the period or
# its deadlines change, which changes the key. A few periods a language.
_CYCLES: dict[tuple, SafeString] = {}
_CYCLES_LIMIT = 64


def _cycle_html(template: selectors.Period | None) -> SafeString:
    """The list's yearly cycle card for the period `template` (None: no template yet)."""
    key = (
        translation.get_language(),
        None if template is None else (template.pk, template.period_start, template.period_end, *template.deadlines),
    )
    html = _CYCLES.get(key)
    if html is None:
        jinja = engines["jinja2"].get_template("agreements/_list_cycle.jinja").template
        context = {"wheel_template": template, "wheel": selectors.yearly_wheel(template)}
        # Jinja2 escaped what it printed (as the {% jinja %} tag has it).
        html = mark_safe(jinja.render(context))  # noqa: S308  # nosec B308 B703 - Jinja2 autoescaped it
        if len(_CYCLES) >= _CYCLES_LIMIT:
            _CYCLES.clear()
        _CYCLES[key] = html
    return html


def agreement_start(request):
    """The leader picks the period (and the workplace, if they lead several) and starts."""
    led = list(Workplace.objects.filter(pk__in=roles_of(request.user).led_workplace_ids).order_by("name"))
    if not led:
        raise PermissionDenied
    options = []
    for workplace in led:
        existing = {a.template_id: a for a in workplace.agreements.all()}
        for template in selectors.templates_for_workplace(workplace):
            options.append({"workplace": workplace, "template": template, "existing": existing.get(template.pk)})
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        option = next((o for o in options if f"{o['workplace'].pk}-{o['template'].pk}" == choice), None)
        if option is None:
            messages.error(request, _("Choose a period and workplace."))
        else:
            agreement = services.agreement_start(
                template=option["template"], workplace=option["workplace"], by=request.user
            )
            return redirect("agreements:edit", pk=agreement.pk)
    return render(request, "agreements/start.html", {"options": options})


def partner_goals(request):
    goals = (
        partner_goals_visible_to(request.user)
        .select_related("agreement__workplace", "agreement__template")
        .prefetch_related("milestones", "partners")
        .order_by("agreement__workplace__name", "order")
    )
    return render(request, "agreements/partner_goals.html", {"goals": goals})


# --- The agreement ----------------------------------------------------------------------------


def agreement_detail(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk)
    goals = selectors.agreement_goals(agreement)
    approvals = selectors.agreement_approvals(agreement)
    actions = AGREEMENT.available_actions(request.user, agreement)
    # The hash of the text on this page: an approval or signature posts it back and is
    # refused if the text changed since (as the code register's signing form does).
    needs_hash = bool(approvals) or "approve" in actions or "sign" in actions
    current_sha256 = services.current_text_sha256(agreement, goals) if needs_hash else ""
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "goals": goals,
            "approvals": approvals,
            "signature_rows": selectors.signature_rows(
                services.required_signatures(agreement), approvals, current_sha256=current_sha256
            ),
            "actions": actions,
            "text_sha256": current_sha256,
            "awaits_dialogue": agreement.status in AGREEMENT.sources_allowing("send_to_dialogue"),
            "history": selectors.agreement_history(agreement),
            "revisions": list(selectors.agreement_revisions(agreement)),
            "progress": selectors.progress(goals),
            "comment_form": CommentForm(),
        },
    )


def _render_edit(
    request, agreement: Agreement, *, bound: dict | None = None, status: int = 200, present: list[str] | None = None
):
    """The drafting page; `bound` holds forms that failed, so what was typed stays.
    `present`: the others in the editor, when the caller has just asked (presence_touch)."""
    bound = bound or {}
    goals = selectors.editor_goals(agreement)
    goal_forms = []
    for goal in goals:
        form = bound.get(("goal", goal.pk)) or GoalForm(
            prefix=f"goal-{goal.pk}",
            initial=GoalForm.initial_for(goal, partners=goal.partner_list),
            workplace_id=agreement.workplace_id,
            initial_partners=goal.partner_list,
        )
        milestone_form = bound.get(("milestone", goal.pk)) or MilestoneForm(
            prefix=f"milestone-{goal.pk}", template=agreement.template
        )
        goal_forms.append({"goal": goal, "form": form, "milestone_form": milestone_form})
    own_count = sum(1 for goal in goals if goal.kind == Goal.Kind.OWN)
    return render(
        request,
        "agreements/edit.html",
        {
            "agreement": agreement,
            "template": agreement.template,
            "intro_form": bound.get("intro") or IntroductionForm.for_agreement(agreement),
            "goal_forms": goal_forms,
            "new_goal_form": bound.get("new_goal") or NewGoalForm(),
            "own_count": own_count,
            "over_limit": own_count > agreement.template.own_goal_limit,
            "present": present
            if present is not None
            else drafting.presence_others(agreement_id=agreement.pk, user=request.user),
            "heartbeat_ms": HEARTBEAT_MS,
            "detail_url": agreement.get_absolute_url(),
            "may_send_to_dialogue": AGREEMENT.is_available(request.user, agreement, "send_to_dialogue"),
            "partner_results": _partner_results,
            # get_kind_display's labels, translated once for the page's goals.
            "kind_labels": {value: str(label) for value, label in Goal.Kind.choices},
            "editor_fields": EditorFields,
            "editor_goal_cards": GoalCards,
            "_": page_gettext(),
        },
        status=status,
    )


def _partner_results(form: GoalForm) -> SafeString:
    """The matches a saved partner search left on the goal form (none on a fresh page)."""
    if not form.partner_suggestions:
        return mark_safe("\n")  # nosec B308 B703 - a newline, as the template wrote
    return mark_safe(  # noqa: S308  # nosec B308 B703 - rendered (and escaped) by the Django template
        render_to_string(
            "agreements/_partner_results.html",
            {"matches": form.partner_suggestions, "more": form.more_suggestions, "prefix": form.prefix},
        )
    )


# The editor's heartbeat interval (presence and "changed by someone else"): a few seconds
# keeps a superseded text from showing "Saved" for long; each beat costs ~5 queries.
HEARTBEAT_MS = 5000


def agreement_edit(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk, write=True, committees=False)
    present = drafting.presence_touch(agreement_id=agreement.pk, user=request.user)
    return _render_edit(request, agreement, present=present)


def _save_fields(request, agreement: Agreement, form, changes: list[tuple[str, str, object, int]]) -> dict:
    """Save each changed field of a plain (no-JavaScript) form post on its own version.

    `changes` holds (form field name, editor key, value, version). A field that lost
    against a newer version is marked on the form with the current text and its new
    version, so saving again keeps the writer's text knowingly; returns those conflicts.
    """
    conflicts = {}
    for name, key, value, version in changes:
        try:
            drafting.draft_field_save(agreement=agreement, key=key, value=value, version=version, by=request.user)
        except drafting.FieldConflict as conflict:
            conflicts[name] = conflict.current
            form.mark_conflict(name, conflict.current)
        except drafting.DraftError as error:
            if error.code == "frozen":
                raise
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return conflicts


@require_POST
def introduction_save(request, pk: int):
    """The introduction as a plain form (without JavaScript; the editor's script saves each
    field through `field_save`)."""
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = IntroductionForm(request.POST)
    if not form.is_valid():
        return _render_edit(request, agreement, bound={"intro": form}, status=400)
    text, version = form.cleaned_data["introduction"], form.cleaned_data["introduction_version"]
    changes = [] if text == agreement.introduction else [("introduction", drafting.INTRODUCTION, text, version)]
    try:
        conflicts = _save_fields(request, agreement, form, changes)
    except drafting.DraftError as error:
        messages.error(request, error.message)
        return redirect("agreements:detail", pk=agreement.pk)
    if conflicts:
        return _render_edit(request, agreement, bound={"intro": form}, status=409)
    messages.success(request, _("The introduction is saved."))
    return redirect(reverse("agreements:edit", args=[pk]) + "#introduction")


# The order a whole goal form is saved in: the baseline before a new target (and a cleared
# target before its baseline), so the target-needs-baseline rule holds after each step.
def _goal_save_order(data: dict) -> list[str]:
    indicator = ["indicator_baseline", "indicator_target"]
    if not data.get("indicator_baseline"):
        indicator.reverse()
    return ["title", "kind", "why", "success", "indicator_name", *indicator, "partners"]


def goal_save(request, pk: int):
    """A whole goal as a plain form (without JavaScript). Each changed field is saved on
    its own version, so a change someone else made to another field is kept."""
    goal = get_goal_for_user(request.user, pk, write=True)
    agreement = goal.agreement
    if request.method != "POST":
        return redirect(reverse("agreements:edit", args=[agreement.pk]) + f"#goal-{goal.pk}")
    form = GoalForm(request.POST, prefix=f"goal-{goal.pk}", workplace_id=agreement.workplace_id)
    if not form.is_valid():
        return _render_edit(request, agreement, bound={("goal", goal.pk): form}, status=400)
    data = form.cleaned_data
    current = GoalForm.initial_for(goal)
    changes = []
    for name in _goal_save_order(data):
        value = data[name]
        if name == "partners" and data["kind"] != Goal.Kind.CROSS_CUTTING:
            continue  # only a cross-cutting goal has partners; changing the kind clears them
        if value != current[name]:
            changes.append((name, drafting.field_key(goal.pk, name), value, data[f"{name}_version"]))
    try:
        conflicts = _save_fields(request, agreement, form, changes)
    except (drafting.DraftError, TransitionError) as error:  # approved, evaluated or archived meanwhile
        messages.error(request, error.message)
        return redirect("agreements:detail", pk=agreement.pk)
    if conflicts or form.errors:
        return _render_edit(request, agreement, bound={("goal", goal.pk): form}, status=409 if conflicts else 400)
    messages.success(request, _("The goal “%(title)s” is saved.") % {"title": data["title"]})
    return redirect(reverse("agreements:edit", args=[agreement.pk]) + f"#goal-{goal.pk}")


# --- The editor's field saves and heartbeat (JSON for static/agreements/drafting.js) ------------


def _field_value(request, name: str):
    """The posted value of one editor field, checked by the same form field as the page's."""
    if name == "introduction":
        form_field = IntroductionForm.base_fields["introduction"]
    else:
        form_field = GoalForm.base_fields[name]
    raw = request.POST.getlist("value") if name == "partners" else request.POST.get("value", "")
    return form_field.clean(raw)


@require_POST
def field_save(request, pk: int):
    """Save one field: 200 with the new version, 409 with the current text when someone
    saved it since the posted version, 400 with the field's message."""
    agreement = get_agreement_for_user(request.user, pk, write=True)
    key = request.POST.get("field", "")
    try:
        _goal_id, name = drafting.parse_key(key)
        version = int(request.POST.get("version", ""))
    except ValueError:
        return JsonResponse({"field": key, "errors": [_("This field cannot be saved here.")]}, status=400)
    try:
        value = _field_value(request, name)
        state = drafting.draft_field_save(agreement=agreement, key=key, value=value, version=version, by=request.user)
    except ValidationError as error:
        return JsonResponse({"field": key, "errors": error.messages}, status=400)
    except drafting.FieldConflict as conflict:
        return JsonResponse({**conflict.current.as_json(), "conflict": True}, status=409)
    except drafting.DraftError as error:
        return JsonResponse({"field": key, "errors": [error.message]}, status=400)
    except Goal.DoesNotExist:
        return JsonResponse({"field": key, "errors": [_("The goal was removed.")]}, status=404)
    return JsonResponse({**state.as_json(), "saved_at": timezone.localtime().strftime("%H:%M")})


@require_POST
def editor_heartbeat(request, pk: int):
    """The open editor says it is here and which versions it holds; the answer names the
    others who have the agreement open and every field someone else changed since."""
    agreement = get_agreement_for_user(request.user, pk, write=True)
    others = drafting.presence_touch(agreement_id=agreement.pk, user=request.user)
    try:
        known = {str(k): int(v) for k, v in json.loads(request.POST.get("versions", "{}")).items()}
    except (ValueError, TypeError, AttributeError):
        known = {}
    changed = [state.as_json() for state in drafting.changed_since(agreement, known)]
    return JsonResponse({"others": others, "changed": changed})


@require_GET
def partner_search(request, pk: int):
    """Up to 20 workplaces matching the typed text, as checkboxes for the goal's partner
    field (htmx swaps them in under the search box). Only for people who may edit the goal."""
    goal = get_goal_for_user(request.user, pk, write=True)
    prefix = f"goal-{goal.pk}"
    text = request.GET.get(f"{prefix}-partner_search", request.GET.get("q", ""))[:200]
    # The ticked partners (sent along) and the workplace itself are not offered again.
    chosen = {int(v) for v in request.GET.getlist(f"{prefix}-partners")[:500] if v.isdigit()}
    limit = selectors.PARTNER_MATCH_LIMIT
    matches = selectors.partner_matches(text, exclude_ids={*chosen, goal.agreement.workplace_id}, limit=limit + 1)
    return render(
        request,
        "agreements/_partner_results.html",
        {
            "matches": matches[:limit],
            "more": len(matches) > limit,
            "prefix": prefix,
            "text": text.strip(),
            "searched": True,
        },
    )


@require_POST
def goal_add(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = NewGoalForm(request.POST)
    if not form.is_valid():
        return _render_edit(request, agreement, bound={"new_goal": form}, status=400)
    goal = services.goal_add(
        agreement=agreement, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"], by=request.user
    )
    return redirect(reverse("agreements:edit", args=[pk]) + f"#goal-{goal.pk}")


@require_POST
def goal_move(request, pk: int):
    goal = get_goal_for_user(request.user, pk, write=True)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.goal_move(goal=goal, direction=direction, by=request.user)
    return redirect(reverse("agreements:edit", args=[goal.agreement_id]) + f"#goal-{goal.pk}")


@require_POST
def goal_delete(request, pk: int):
    goal = get_goal_for_user(request.user, pk, write=True)
    agreement_id = goal.agreement_id
    services.goal_delete(goal=goal, by=request.user)
    messages.success(request, _("The goal is removed."))
    return redirect("agreements:edit", pk=agreement_id)


@require_POST
def milestone_add(request, pk: int):
    goal = get_goal_for_user(request.user, pk, write=True)
    form = MilestoneForm(request.POST, prefix=f"milestone-{goal.pk}", template=goal.agreement.template)
    if not form.is_valid():
        return _render_edit(request, goal.agreement, bound={("milestone", goal.pk): form}, status=400)
    services.milestone_add(
        goal=goal, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"], by=request.user
    )
    return redirect(reverse("agreements:edit", args=[goal.agreement_id]) + f"#goal-{goal.pk}")


@require_POST
def milestone_delete(request, pk: int):
    milestone = get_object_or_404(Milestone.objects.select_related("goal"), pk=pk)
    goal = get_goal_for_user(request.user, milestone.goal_id, write=True)
    services.milestone_delete(milestone=milestone, by=request.user)
    return redirect(reverse("agreements:edit", args=[goal.agreement_id]) + f"#goal-{goal.pk}")


@require_POST
def comment_add(request, pk: int):
    goal = get_goal_for_user(request.user, pk, write=True, perm="agreements.comment_agreement")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["text"][0] if "text" in form.errors else _("The comment was not saved."))
        return redirect(reverse("agreements:detail", args=[goal.agreement_id]) + f"#goal-{goal.pk}")
    reply_to = None
    if form.cleaned_data.get("reply_to"):
        reply_to = GoalComment.objects.filter(pk=form.cleaned_data["reply_to"], goal=goal).first()
    services.comment_add(goal=goal, author=request.user, text=form.cleaned_data["text"], reply_to=reply_to)
    messages.success(request, _("Your comment is added."))
    return redirect(reverse("agreements:detail", args=[goal.agreement_id]) + f"#goal-{goal.pk}")


# --- Workflow ----------------------------------------------------------------------------------


def _step(request, pk: int, perm: str, action, success: str):
    agreement = get_agreement_for_user(request.user, pk, write=True, perm=perm)
    try:
        action(agreement)
    except ServiceError as error:  # a Conflict too: someone moved it or changed the text first
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("agreements:detail", pk=pk)


# --- The irreversible steps: a confirmation page that names the people each step concerns -------
# GET shows what will happen and to whom; the POST needs the page's box ticked (a post
# without it is refused with the message at the box) and the services do the step.


def _posted(request):
    """The POST to bind (an empty POST too: a post without the box is refused, not ignored)."""
    return request.POST if request.method == "POST" else None


def _confirm_page(request, agreement: Agreement, step: str, form, context: dict, status: int = 200):
    return render(
        request,
        "agreements/confirm.html",
        {"agreement": agreement, "step": step, "form": form, **context},
        status=status,
    )


def _refused(request, agreement, step, form, context, error: ServiceError):
    """A service's refusal at the field it names, or as a message when it names none."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
        return _confirm_page(request, agreement, step, form, context, status=400)
    messages.error(request, error.message)
    return redirect("agreements:detail", pk=agreement.pk)


def send_to_dialogue(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk, write=True, perm="agreements.send_to_dialogue")
    form = SendToDialogueForm(_posted(request))
    context = {"audience": selectors.dialogue_audience(agreement)}
    if request.method != "POST":
        return _confirm_page(request, agreement, "send_to_dialogue", form, context)
    if not form.is_valid():
        return _confirm_page(request, agreement, "send_to_dialogue", form, context, status=400)
    try:
        services.agreement_send_to_dialogue(agreement=agreement, by=request.user)
    except ServiceError as error:
        return _refused(request, agreement, "send_to_dialogue", form, context, error)
    messages.success(
        request, _("The agreement is sent to dialogue. The committee and the head of area can now comment.")
    )
    return redirect("agreements:detail", pk=pk)


def approve(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk, write=True, perm="agreements.approve_agreement")
    goals = selectors.agreement_goals(agreement)
    form = ApproveForm(_posted(request), initial={"text_sha256": services.current_text_sha256(agreement, goals)})
    context = {
        "unanswered": selectors.unanswered_comments(agreement),
        "signers": selectors.pending_signers(agreement),
    }
    if request.method != "POST":
        return _confirm_page(request, agreement, "approve", form, context)
    if not form.is_valid():
        return _confirm_page(request, agreement, "approve", form, context, status=400)
    try:
        services.agreement_approve(
            agreement=agreement,
            chair=request.user,
            text_sha256=form.cleaned_data["text_sha256"] or None,
            approve_anyway=form.cleaned_data["approve_anyway"],
        )
    except ServiceError as error:  # a Conflict too: someone moved it or changed the text first
        return _refused(request, agreement, "approve", form, context, error)
    messages.success(
        request,
        _("You have approved the agreement for the committee. Its text is now closed for changes while it is signed."),
    )
    return redirect("agreements:detail", pk=pk)


@require_POST
def withdraw_approval(request, pk: int):
    return _step(
        request,
        pk,
        "agreements.withdraw_approval",
        lambda a: services.agreement_withdraw_approval(agreement=a, chair=request.user),
        _("You have withdrawn the approval. The leader can change the text again."),
    )


def sign(request, pk: int):
    """The signature, with the agreement's text on the page and the same explicit consent as
    the code of conduct's: the box is required, by the form and by the service."""
    agreement = get_agreement_for_user(request.user, pk, write=True, perm="agreements.sign_agreement")
    goals = selectors.agreement_goals(agreement)
    text_sha256 = services.current_text_sha256(agreement, goals)
    form = SignForm(_posted(request), initial={"text_sha256": text_sha256})
    context = {
        "goals": goals,
        "text_sha256": text_sha256,
        "signers": selectors.pending_signers(agreement, after=request.user),
        "approvals": selectors.agreement_approvals(agreement),
    }
    if request.method != "POST":
        return _confirm_page(request, agreement, "sign", form, context)
    if not form.is_valid():
        return _confirm_page(request, agreement, "sign", form, context, status=400)
    try:
        signed = services.agreement_sign(
            agreement=agreement,
            signer=request.user,
            consent=form.cleaned_data["consent"],
            text_sha256=form.cleaned_data["text_sha256"],
        )
    except ServiceError as error:
        return _refused(request, agreement, "sign", form, context, error)
    if signed.status == Agreement.Status.AGREED:
        messages.success(request, _("You have signed the agreement. All signatures are in: the agreement is agreed."))
    else:
        messages.success(request, _("You have signed the agreement."))
    return redirect("agreements:detail", pk=pk)


@require_POST
def activate(request, pk: int):
    return _step(
        request,
        pk,
        "agreements.activate_agreement",
        lambda a: services.agreement_activate(agreement=a, by=request.user),
        _("The agreement is active."),
    )


@require_POST
def evaluate(request, pk: int):
    return _step(
        request,
        pk,
        "agreements.evaluate_agreement",
        lambda a: services.agreement_evaluate(agreement=a, by=request.user),
        _("The agreement is evaluated."),
    )


@require_POST
def archive(request, pk: int):
    return _step(
        request,
        pk,
        "agreements.archive_agreement",
        lambda a: services.agreement_archive(agreement=a, by=request.user),
        _("The agreement is archived."),
    )


# --- Follow-up, revisions, PDF -----------------------------------------------------------------


def follow_up(request, pk: int, point: str):
    if point not in FollowUp.Point.values:
        raise Http404
    # The person first (403 for a reader), then the state (a message for the leader).
    agreement = get_agreement_for_user(request.user, pk, write=True, perm="agreements.manage_agreement")
    if not AGREEMENT.is_available(request.user, agreement, "follow_up"):
        messages.error(request, _("Goals are followed up while the agreement is agreed or active."))
        return redirect("agreements:detail", pk=pk)
    goals = selectors.agreement_goals(agreement)
    forms_by_goal = []
    for goal in goals:
        existing = goal.mid_year if point == FollowUp.Point.MID_YEAR else goal.year_end
        initial = (
            {"status": existing.status, "note": existing.note, "indicator_value": existing.indicator_value}
            if existing
            else {}
        )
        form = FollowUpForm(request.POST or None, prefix=f"goal-{goal.pk}", initial=initial)
        forms_by_goal.append((goal, form))
    if request.method == "POST":
        if all(form.is_valid() for _goal, form in forms_by_goal):
            for goal, form in forms_by_goal:
                if form.cleaned_data["status"]:
                    services.follow_up_record(goal=goal, point=point, author=request.user, **form.cleaned_data)
            messages.success(request, _("The follow-up is saved."))
            return redirect("agreements:detail", pk=pk)
        status = 400
    else:
        status = 200
    return render(
        request,
        "agreements/follow_up.html",
        {"agreement": agreement, "forms": forms_by_goal, "point": point, "point_label": FollowUp.Point(point).label},
        status=status,
    )


def revisions(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk)
    all_revisions = list(selectors.agreement_revisions(agreement))
    numbers = [r.number for r in all_revisions]
    rows, old, new = None, None, None
    if len(numbers) >= 2:
        try:
            a = int(request.GET.get("a", min(numbers[0], numbers[1])))
            b = int(request.GET.get("b", max(numbers[0], numbers[1])))
        except ValueError:
            a, b = numbers[1], numbers[0]
        pair = {r.number: r for r in Revision.objects.filter(agreement=agreement, number__in=[a, b])}
        if a in pair and b in pair:
            old, new = pair[a], pair[b]
            rows = selectors.compare_revisions(old, new)
    return render(
        request,
        "agreements/revisions.html",
        {"agreement": agreement, "revisions": all_revisions, "rows": rows, "old": old, "new": new},
    )


def agreement_pdf(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk)
    from .pdf import render_agreement_pdf

    try:
        pdf = render_agreement_pdf(request, agreement)
    except OSError:
        # WeasyPrint needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0); a laptop may lack it.
        logger.exception("PDF rendering is unavailable")
        messages.error(request, _("The PDF cannot be made on this server right now. Use Print instead."))
        return redirect(agreement)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"udviklingsaftale-{agreement.workplace.slug}-{agreement.template.period_label}.pdf"
    # RFC 6266 (filename*=UTF-8''…): the period label's dash is not ASCII, and the RFC 2047
    # form Django would otherwise write makes browsers save "download.pdf".
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
