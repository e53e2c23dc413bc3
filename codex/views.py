from __future__ import annotations

import csv
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, Count, Prefetch
from django.http import HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from organisation.models import Committee, Workplace
from organisation.roles import roles_of
from samspil.compiled import CompiledQuery, StandIns
from samspil.paging import page_query
from samspil.widget_html import unit_options

from . import register_html, selectors, services
from .forms import DilemmaFormSet, EvaluationForm, PointFormSet, SignForm, VersionForm
from .models import CodePoint, CodeVersion, DilemmaCase, EvaluationAnswer, SelfEvaluation, Signature
from .permissions import (
    get_committee_evaluations_for_user,
    get_version_for_user,
    get_workplace_evaluations_for_user,
    versions_visible_to,
)

ERRORS = {
    "no_consent": lambda: _("Tick the box to confirm that you have read the code and will follow it."),
    "not_current": lambda: _("This version is not the one you are asked to sign. Read the current version below."),
    "text_changed": lambda: _("The code changed while you read it. Read the current version and sign again."),
    "already_published": lambda: _("This version is already published; published versions never change."),
    "no_duties": lambda: _("Add at least one duty before you publish."),
    "number_taken": lambda: _("Another draft was created at the same moment. Try again."),
}


def part_rows(formset, fields: tuple[str, ...]) -> list[dict]:
    """A valid inline formset as plain rows for the service: what the person changed, added
    or ticked for deletion (untouched rows and empty extra forms are left out)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or not (form.has_changed() or data.get("DELETE")):
            continue
        rows.append({"id": form.instance.pk, "delete": bool(data.get("DELETE")), **{f: data.get(f) for f in fields}})
    return rows


def _with_parts(queryset):
    return queryset.prefetch_related(
        Prefetch("points", queryset=CodePoint.objects.order_by("kind", "position", "pk")),
        Prefetch("dilemmas", queryset=DilemmaCase.objects.order_by("position", "pk")),
    )


# --- Reading and signing ---------------------------------------------------------------


def home(request):
    return _home(request)


def _home(request, *, errors: dict[int, str] | None = None, status: int = 200):
    state = selectors.code_state()
    status_list = selectors.signing_status(request.user, state)
    version_ids = {d.version.pk for d in status_list} or {v.pk for v in state.distinct_versions()}
    # Signing again: what changed since the version this person signed (issue 18.4).
    previous = selectors.previous_signed_versions(request.user, status_list)
    fetch = version_ids | {v.pk for v in previous.values()}
    versions = {v.pk: v for v in _with_parts(CodeVersion.objects.filter(pk__in=fetch))}
    items = [
        {
            "due": d,
            "version": versions[d.version.pk],
            "form": SignForm(initial={"text_sha256": d.version.text_sha256}),
            "error": (errors or {}).get(d.version.pk),
            "previous": versions[previous[d.audience].pk] if d.audience in previous else None,
            "changes": (
                selectors.version_changes(versions[previous[d.audience].pk], versions[d.version.pk])
                if d.audience in previous
                else None
            ),
        }
        for d in status_list
    ]
    others = [versions[pk] for pk in sorted(version_ids) if not status_list]
    return render(
        request,
        "codex/home.html",
        {"items": items, "others": others, "state": state, "has_role": bool(roles_of(request.user).roles)},
        status=status,
    )


@require_POST
def sign(request, pk: int):
    version = get_version_for_user(request.user, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        # The consent box was not ticked: the page again, the message at the box.
        return _home(request, errors={version.pk: ERRORS["no_consent"]()}, status=400)
    try:
        services.signature_create(
            person=request.user,
            version=version,
            text_sha256=form.cleaned_data["text_sha256"],
            consent=form.cleaned_data["consent"],
        )
    except services.CodexError as error:
        messages.error(request, ERRORS[error.code]())
        return redirect("codex:home")
    messages.success(
        request, _("Thank you. Your signature of version %(number)s is recorded.") % {"number": version.number}
    )
    return redirect("codex:my_signatures")


def my_signatures(request):
    signatures = (
        Signature.objects.filter(person=request.user).select_related("version", "identity").order_by("-sequence")
    )
    return render(request, "codex/my_signatures.html", {"signatures": signatures})


def version_list(request):
    versions = versions_visible_to(request.user).annotate(signature_count=Count("signatures")).order_by("-number")
    return render(request, "codex/version_list.html", {"versions": versions, "state": selectors.code_state()})


def version_detail(request, pk: int):
    version = get_version_for_user(request.user, pk)
    version = _with_parts(CodeVersion.objects.filter(pk=version.pk)).get()
    return render(request, "codex/version_detail.html", {"version": version, "state": selectors.code_state()})


@login_not_required
def public(request):
    state = selectors.code_state()
    versions = list(_with_parts(CodeVersion.objects.filter(pk__in=[v.pk for v in state.distinct_versions()])))
    return render(
        request,
        "codex/public.html",
        {
            "versions": versions,
            "figures": selectors.public_figures(state),
            "state": state,
            "anchors": selectors.recent_anchors(),
        },
    )


# --- The register ----------------------------------------------------------------------


def _register_filters(request) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in selectors.REGISTER_FILTERS}


class _CountedPaginator(Paginator):
    """A paginator told its count: the register's counts come from one cached GROUP BY
    (selectors.register_counts), so the page needs no COUNT(*) over every membership."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


REGISTER_PAGE_SIZE = 50


def register(request):
    # Queries: session + user + roles (middleware and context), then
    # 1 current codes with the newest membership/signature ids (the counts' cache key) and
    # today's electoral term (selectors.register_state), [2 shares, 3 anonymised
    # signatures — only when not cached],
    # for those who see names (selectors.names_scope): [4 a leader's or chair's own
    # counts,] 5 the page of rows (a signed-at probe per row, people joined, unit names as
    # subqueries; both compiled once per shape); [6 committees and centres, only when their
    # data version moved (selectors.register_filter_units),] [7 workplaces, once a centre
    # or a workplace is chosen] for the filters.
    state, newest = selectors.register_state()
    filters = _register_filters(request)
    sees_names = selectors.sees_names(request.user)
    if not sees_names:
        # No "not signed" filter for those who see the shares only (issue 18.4).
        filters["status"] = ""
    # The shares answer "how many of this group have signed", so the status filter does
    # not narrow them.
    counts = selectors.register_counts(request.user, state, filters, newest=newest)
    if not sees_names:
        named = {"": 0, "signed": 0, "unsigned": 0}
    elif roles_of(request.user).is_administrator:
        named = {status: counts.rows(status) for status in ("", "signed", "unsigned")}
    else:
        named = selectors.named_row_counts(request.user, state, filters)
    page, rows_caption = None, ""
    if sees_names:
        count = named.get(filters["status"], named[""])
        rows = selectors.RegisterPageRows(request.user, state, filters, count)
        paginator = _CountedPaginator(rows, REGISTER_PAGE_SIZE, count=count)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = selectors.register_page_list(page.object_list)
        rows_caption = ngettext(
            "%(counter)s role concerned by the current code",
            "%(counter)s roles concerned by the current code",
            page.paginator.count,
        ) % {"counter": page.paginator.count}
    query = request.GET.copy()
    query.pop("page", None)
    unsigned_query = request.GET.copy()
    unsigned_query.pop("page", None)
    unsigned_query["status"] = "unsigned"
    committees, centres = selectors.register_filter_units(state.units_version)
    return render(
        request,
        "codex/register.html",
        {
            "state": state,
            "filters": filters,
            "sees_names": sees_names,
            "shares": counts.shares,
            "anonymised": counts.anonymised,
            "unsigned_count": named["unsigned"],
            "unsigned_querystring": unsigned_query.urlencode(),
            "page": page,
            "rows_caption": rows_caption,
            "querystring": query.urlencode(),
            "committee_options": unit_options(committees, filters["committee"]),
            "centre_options": unit_options(centres, filters["centre"]),
            "workplaces": _workplace_choices(filters),
            "role_choices": list(selectors.ROLE_LABELS.items()),
            "register_rows": register_html.register_rows,
            # For the Jinja2 body (codex/_register_body.jinja): the pages' links and the
            # plurals (written here, where makemessages finds them).
            "page_query": page_query(request),
            "unsigned_link": ngettext(
                "Show the %(counter)s role not signed yet",
                "Show the %(counter)s roles not signed yet",
                named["unsigned"],
            )
            % {"counter": named["unsigned"]},
            "anonymised_note": ngettext(
                "%(counter)s signature of the current code is anonymised: the person was erased, the signature "
                "still counts and stays in the register.",
                "%(counter)s signatures of the current code are anonymised: the people were erased, the signatures "
                "still count and stay in the register.",
                counts.anonymised,
            )
            % {"counter": counts.anonymised},
        },
    )


def _workplace_choices(filters: dict[str, str]) -> list[dict]:
    # All 2,000 workplaces in one <select> were most of the page (150 KB) and of its
    # rendering time: the list holds the chosen centre's workplaces, or just the chosen one.
    # Its two queries compiled once per process (samspil/compiled.py), the slug a stand-in.
    by = "centre" if filters.get("centre") else "workplace" if filters.get("workplace") else ""
    if not by:
        return []  # no query for an empty list
    key = (connection.vendor, by)
    compiled = _WORKPLACE_CHOICES.get(key)
    if compiled is None:
        stand_ins = StandIns()
        slug = stand_ins.text("slug")
        workplaces = Workplace.objects.filter(is_active=True).order_by("name")
        workplaces = workplaces.filter(centre__slug=slug) if by == "centre" else workplaces.filter(slug=slug)
        compiled = _WORKPLACE_CHOICES[key] = CompiledQuery(workplaces.values("name", "slug"), stand_ins, every=True)
    return compiled.dicts({"slug": filters[by]})


_WORKPLACE_CHOICES: dict[tuple[str, str], CompiledQuery] = {}


def _csv_safe(value) -> str:
    """Spreadsheets run cells that start with = + - @ (or tab/CR) as formulas."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def register_csv(request):
    state = selectors.code_state()
    filters = _register_filters(request)
    writer = csv.writer(_Echo(), delimiter=";")
    role_labels = selectors.ROLE_LABELS
    if not selectors.sees_names(request.user):
        # The same rule as the page (issue 18.4): the shares per group, no names.
        filters["status"] = ""
        shares = selectors.register_counts(request.user, state, filters).shares

        def lines():
            yield "\ufeff"
            yield writer.writerow([_("Group"), _("Signed"), _("Concerned"), _("Share (%)")])
            for row in shares:
                yield writer.writerow(
                    [_csv_safe(capfirst(str(row["label"]))), row["signed"], row["total"], row["percent"]]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kodeks-andele.csv"'
        return response
    rows = selectors.register_page_rows(selectors.register_rows(request.user, state, filters), state)

    def lines():
        yield "\ufeff"
        yield writer.writerow([_("Name"), _("Email"), _("Role"), _("Unit"), _("Version"), _("Signed"), _("Signed at")])
        for membership in rows.iterator(chunk_size=2000):
            audience = "politicians" if membership.role in ("committee_member", "committee_chair") else "employees"
            version = state.version_for(audience)
            signed_at = (
                timezone.localtime(membership.signed_at).strftime("%Y-%m-%d %H:%M") if membership.signed_at else ""
            )
            yield writer.writerow(
                [
                    _csv_safe(membership.person.full_name),
                    _csv_safe(membership.person.email),
                    _csv_safe(role_labels.get(membership.role, membership.role)),
                    _csv_safe(membership.unit or ""),
                    version.number if version else "",
                    _("yes") if membership.has_signed else _("no"),
                    signed_at,
                ]
            )
        # Signatures of people since erased: they still count, without a name.
        for version_number, signed_at in selectors.anonymised_signatures(request.user, state, filters).iterator():
            yield writer.writerow(
                [
                    _("Anonymised"),
                    "",
                    "",
                    "",
                    version_number,
                    _("yes"),
                    timezone.localtime(signed_at).strftime("%Y-%m-%d %H:%M"),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kodeks-underskrifter.csv"'
    return response


# --- Self-evaluation -------------------------------------------------------------------


def evaluations(request):
    roles = roles_of(request.user)
    committees = Committee.objects.filter(pk__in=roles.committee_ids).only("name", "slug")
    workplace_filter = set(roles.staff_workplace_ids)
    workplaces = Workplace.objects.filter(pk__in=workplace_filter) | Workplace.objects.filter(
        centre_id__in=roles.headed_centre_ids
    )
    if roles.is_leadership:
        committees = Committee.objects.filter(is_active=True).only("name", "slug")
    return render(
        request,
        "codex/evaluations.html",
        {"committees": committees, "workplaces": workplaces.only("name", "slug").order_by("name")},
    )


def _evaluation_page(request, *, unit, unit_filter: dict, can_add: bool, template_unit: str):
    state = selectors.code_state()
    audience = "politicians" if template_unit == "committee" else "employees"
    version = state.version_for(audience)
    points = list(version.points.order_by("kind", "position", "pk")) if version else []
    form = EvaluationForm(request.POST or None, points=points) if can_add and version else None
    if request.method == "POST":
        if form is None:
            return HttpResponseNotAllowed(["GET"])
        if form.is_valid():
            services.evaluation_submit(
                version=version,
                submitted_by=request.user,
                scores=form.scores(),
                note=form.cleaned_data["note"],
                **unit_filter,
            )
            messages.success(request, _("Thank you. The self-evaluation is saved."))
            return redirect(request.path)
    history = list(
        SelfEvaluation.objects.filter(**unit_filter).select_related("version").order_by("-submitted_at")[:12]
    )
    history.reverse()
    per_point = defaultdict(dict)
    point_titles: dict[str, None] = {}
    for row in (
        EvaluationAnswer.objects.filter(evaluation__in=[e.pk for e in history])
        .values("evaluation_id", "point__title")
        .annotate(avg=Avg("score"))
        .order_by("point__kind", "point__position")
    ):
        per_point[row["evaluation_id"]][row["point__title"]] = row["avg"]
        point_titles.setdefault(row["point__title"], None)
    table = [{"evaluation": e, "scores": [per_point[e.pk].get(title) for title in point_titles]} for e in history]
    return render(
        request,
        "codex/evaluation.html",
        {
            "unit": unit,
            "unit_kind": template_unit,
            "version": version,
            "form": form,
            "history": history,
            "table": table,
            "point_titles": list(point_titles),
            "chart": _chart(history),
        },
    )


def _chart(history: list[SelfEvaluation]) -> dict | None:
    """A small line chart of the average score (1–5) over time, drawn in SVG."""
    if not history:
        return None
    width, height, left, right, top, bottom = 600, 220, 45, 45, 15, 35
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(history)
    points = []
    for index, evaluation in enumerate(history):
        x = left + (plot_w * index / (n - 1) if n > 1 else plot_w / 2)
        y = top + plot_h * (5 - float(evaluation.average)) / 4
        points.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "label": timezone.localtime(evaluation.submitted_at).strftime("%d.%m.%Y"),
                "value": evaluation.average,
            }
        )
    grid = [{"y": round(top + plot_h * (5 - level) / 4, 1), "label": level} for level in range(1, 6)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": height - bottom + 18,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "grid": grid,
    }


def evaluation_committee(request, slug: str):
    committee = get_committee_evaluations_for_user(request.user, slug, write=request.method == "POST")
    return _evaluation_page(
        request,
        unit=committee,
        unit_filter={"committee": committee},
        can_add=request.user.has_perm("codex.add_committee_evaluation", committee),
        template_unit="committee",
    )


def evaluation_workplace(request, slug: str):
    workplace = get_workplace_evaluations_for_user(request.user, slug, write=request.method == "POST")
    return _evaluation_page(
        request,
        unit=workplace,
        unit_filter={"workplace": workplace},
        can_add=request.user.has_perm("codex.add_workplace_evaluation", workplace),
        template_unit="workplace",
    )


# --- Administration --------------------------------------------------------------------


@permission_required("codex.manage_code", raise_exception=True)
def admin_index(request):
    versions = CodeVersion.objects.select_related("created_by", "published_by").order_by("-number")
    return render(request, "codex/admin_index.html", {"versions": versions, "state": selectors.code_state()})


@permission_required("codex.manage_code", raise_exception=True)
@require_POST
def version_create(request):
    source = None
    source_pk = request.POST.get("source")
    if source_pk and source_pk.isdigit():
        source = CodeVersion.objects.filter(pk=int(source_pk)).first()
    try:
        draft = services.version_create_draft(created_by=request.user, source=source)
    except services.CodexError as error:
        messages.error(request, ERRORS[error.code]())
        return redirect("codex:admin")
    messages.success(request, _("Draft version %(number)s is ready to edit.") % {"number": draft.number})
    return redirect("codex:version_edit", pk=draft.pk)


def version_edit(request, pk: int):
    version = get_version_for_user(request.user, pk, write=True)
    if version.is_published:
        messages.info(request, _("Published versions never change. Make a new draft from it instead."))
        return redirect(version)
    form = VersionForm(request.POST or None, instance=version)
    points = PointFormSet(request.POST or None, instance=version, prefix="points")
    dilemmas = DilemmaFormSet(request.POST or None, instance=version, prefix="dilemmas")
    if request.method == "POST" and form.is_valid() and points.is_valid() and dilemmas.is_valid():
        try:
            version = services.version_save_draft(
                version=version,
                by=request.user,
                values=form.cleaned_data,
                points=part_rows(points, services.POINT_FIELDS),
                dilemmas=part_rows(dilemmas, services.DILEMMA_FIELDS),
            )
        except services.CodexError as error:
            messages.error(request, ERRORS[error.code]())
            return redirect(version)
        messages.success(request, _("The draft is saved."))
        if "preview" in request.POST:
            return redirect("codex:version_preview", pk=version.pk)
        return redirect("codex:version_edit", pk=version.pk)
    return render(
        request, "codex/version_edit.html", {"version": version, "form": form, "points": points, "dilemmas": dilemmas}
    )


def version_preview(request, pk: int):
    version = get_version_for_user(request.user, pk, write=True)
    version = _with_parts(CodeVersion.objects.filter(pk=version.pk)).get()
    if version.is_published:
        return redirect(version)
    return render(
        request,
        "codex/version_preview.html",
        {"version": version, "canonical_text": version.build_canonical_text(), "state": selectors.code_state()},
    )


@require_POST
def version_publish(request, pk: int):
    version = get_version_for_user(request.user, pk, write=True)
    try:
        version = services.version_publish(version=version, published_by=request.user)
    except services.CodexError as error:
        messages.error(request, ERRORS[error.code]())
        return redirect("codex:version_preview" if not version.is_published else "codex:version", pk=version.pk)
    messages.success(
        request,
        _("Version %(number)s is published. Everyone concerned is asked to sign it; the emails are on their way.")
        % {"number": version.number},
    )
    return redirect("codex:version_progress", pk=version.pk)


def version_progress(request, pk: int):
    version = get_version_for_user(request.user, pk, write=True)
    rounds = selectors.reminder_progress(version)
    template = "codex/_progress.html" if request.htmx else "codex/version_progress.html"
    return render(request, template, {"version": version, "rounds": rounds})


@permission_required("codex.manage_code", raise_exception=True)
def verify(request):
    # Walks every link (one streamed query); about a second per 60,000 signatures.
    report = services.chain_verify()
    return render(request, "codex/verify.html", {"report": report})
