"""The editor's fields written in Python (agreements/editor_html.py) are what the Jinja2
macros they replaced wrote, character for character: unbound, bound with errors, with a
help text and after a conflict."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import engines
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from agreements.drafting import FieldState
from agreements.editor_html import EditorFields
from agreements.forms import GoalForm, IntroductionForm, MilestoneForm, NewGoalForm

# The macros of agreements/_edit.jinja before the fields moved to Python (draft_conflict
# stands in for the template's own macro, which editor_html calls unchanged).
MACROS = """{% macro draft_conflict(conflict, field_id) %}<conflict of="{{ field_id }}">{{ conflict.value }}</conflict>{% endmacro -%}
{% macro draft_field(field, version_field, single_line=False) %}
<div class="mb-3 draft-field" data-draft-field="{{ field.html_name }}"{% if single_line %} data-single-line{% endif %}>
  <label class="form-label" for="{{ field.auto_id }}">{{ field.label }}{% if field.field.required %} <span class="text-body-secondary small">({{ _("required") }})</span>{% endif %}</label>
  {{ field }}
  {{ version_field }}
  {% if field.help_text %}<div class="form-text">{{ field.help_text }}</div>{% endif %}
  <div id="{{ field.auto_id }}-errors" class="invalid-feedback d-block">{% for error in field.errors %}{{ error }}{% if not loop.last %} {% endif %}{% endfor %}</div>
  <div id="{{ field.auto_id }}-status" class="draft-status small" role="status" aria-live="polite"></div>
  {% if field.conflict %}{{ draft_conflict(field.conflict, field.auto_id) }}{% endif %}
</div>
{% endmacro -%}
{% macro plain_field(field, wrapper_class="") %}<div class="mb-3{% if wrapper_class %} {{ wrapper_class }}{% endif %}">
  <label class="form-label" for="{{ field.auto_id }}">{{ field.label }}{% if field.field.required %} <span class="text-body-secondary small">({{ _("required") }})</span>{% endif %}</label>
  {{ field }}
  {% if field.help_text %}<div class="form-text">{{ field.help_text }}</div>{% endif %}
  <div id="{{ field.auto_id }}-errors" class="invalid-feedback d-block">{% for error in field.errors %}{{ error }}{% if not loop.last %} {% endif %}{% endfor %}</div>
</div>
{% endmacro -%}
"""

CALLS = """{% set fields = editor_fields(draft_conflict) -%}
{% for name, version, single in drafts %}@OLD@{{ draft_field(form[name], form[version], single) }}@NEW@{{ fields.draft(form[name], form[version], single) }}@END@
{% endfor %}{% for name, wrapper in plains %}@OLD@{{ plain_field(other[name], wrapper) }}@NEW@{{ fields.plain(other[name], wrapper) }}@END@
{% endfor %}"""


class _Template:
    period_start = dt.date(2027, 1, 1)
    period_end = dt.date(2027, 12, 31)


def _pairs(form, other, drafts, plains):
    html = (
        engines["jinja2"]
        .from_string(MACROS + CALLS)
        .render({"form": form, "other": other, "drafts": drafts, "plains": plains, "editor_fields": EditorFields})
    )
    pairs = re.findall("@OLD@(.*?)@NEW@(.*?)@END@", html, re.S)
    assert len(pairs) == len(drafts) + len(plains)
    return pairs


GOAL_DRAFTS = [
    ("title", "title_version", True),
    ("kind", "kind_version", False),
    ("why", "why_version", False),
    ("success", "success_version", False),
    ("indicator_name", "indicator_name_version", True),
    ("indicator_baseline", "indicator_baseline_version", True),
    ("indicator_target", "indicator_target_version", True),
    ("partner_search", "partners_version", False),
]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_goal_fields_are_the_macros_markup_unbound_and_with_errors_and_conflicts(language):
    awkward = "\"><script>x</script> & 'q'"
    with translation.override(language):
        unbound = GoalForm(
            prefix="goal-7",
            initial={"title": awkward, "kind": "own", "why": "<b>why</b>", "title_version": 1, "why_version": 2},
            workplace_id=1,
            initial_partners=[],
        )
        data = {
            "goal-7-title": "",
            "goal-7-kind": "nonsense",
            "goal-7-why": awkward,
            "goal-7-indicator_target": "10",
            "goal-7-title_version": "x",
        }
        bound = GoalForm(data, prefix="goal-7", workplace_id=1)
        assert not bound.is_valid()
        bound.mark_conflict("why", FieldState(key="why", value="<i>theirs</i>", version=5, changed_by="Kim"))
        milestone_unbound = MilestoneForm(prefix="milestone-7", template=_Template())
        milestone_bound = MilestoneForm(
            {"milestone-7-title": "", "milestone-7-due_on": "2030-01-01"}, prefix="milestone-7", template=_Template()
        )
        assert not milestone_bound.is_valid()
        for form, other in ((unbound, milestone_unbound), (bound, milestone_bound)):
            for old, new in _pairs(form, other, GOAL_DRAFTS, [("title", "mb-0"), ("due_on", "")]):
                assert old == new
        written = "".join(new for _old, new in _pairs(bound, milestone_bound, GOAL_DRAFTS, [("due_on", "")]))
        assert '<conflict of="id_goal-7-why">&lt;i&gt;theirs&lt;/i&gt;</conflict>' in written
        assert 'aria-invalid="true"' in written and "is-invalid" in written and "<script>" not in written


def test_the_introduction_and_new_goal_fields_are_the_macros_markup():
    intro = IntroductionForm({"introduction": "x" * 5, "introduction_version": ""})
    intro.is_valid()
    for form in (IntroductionForm(initial={"introduction": "Hej", "introduction_version": 3}), intro):
        for old, new in _pairs(
            form, NewGoalForm(), [("introduction", "introduction_version", False)], [("kind", "mb-0")]
        ):
            assert old == new
    new_goal = NewGoalForm({"title": "", "kind": "x"})
    new_goal.is_valid()
    for old, new in _pairs(intro, new_goal, [], [("title", "mb-0"), ("kind", "mb-0")]):
        assert old == new


# The macro partner_field of agreements/_edit.jinja before it moved to
# EditorFields.partners (draft_conflict as the page has it).
PARTNER_MACRO = """{% macro draft_conflict(conflict, field_id) %}<conflict of="{{ field_id }}">{{ conflict.value }}</conflict>{% endmacro -%}
{% set fields = editor_fields(draft_conflict) -%}
{% macro partner_field(goal, form) %}{% set prefix = form.prefix %}{% set chosen = form.chosen_partners() %}{% set search = form.partner_search %}{% set partners = form.partners %}
<fieldset class="partner-field mb-3" id="{{ prefix }}-partner-field" aria-describedby="{{ partners.auto_id }}-help {{ partners.auto_id }}-errors" data-draft-field="{{ partners.html_name }}" data-draft-list>
  <legend class="form-label fs-6 mb-1">{{ partners.label }}</legend>
  <p class="form-text mt-0 mb-2" id="{{ partners.auto_id }}-help">{{ partners.help_text }}</p>
  <ul class="list-unstyled partner-chosen mb-1" id="{{ prefix }}-partners-chosen">
    {% for workplace in chosen %}<li class="form-check"><input class="form-check-input" type="checkbox" name="{{ partners.html_name }}" value="{{ workplace.pk }}" id="{{ prefix }}-partner-{{ workplace.pk }}" checked><label class="form-check-label" for="{{ prefix }}-partner-{{ workplace.pk }}">{{ workplace.name }}</label></li>{% endfor %}
  </ul>
  <p class="small text-body-secondary partner-none mb-1"{% if chosen %} hidden{% endif %}>{{ _("No partner workplaces chosen yet.") }}</p>
  {{ form.partners_version }}
  <div id="{{ partners.auto_id }}-errors" class="invalid-feedback d-block mb-2">{% for error in partners.errors %}{{ error }}{% if not loop.last %} {% endif %}{% endfor %}</div>
  <div id="{{ partners.auto_id }}-status" class="draft-status small mb-1" role="status" aria-live="polite"></div>
  {% if partners.conflict %}{{ draft_conflict(partners.conflict, partners.auto_id) }}{% endif %}
  <label class="form-label small mb-1" for="{{ search.auto_id }}">{{ search.label }}</label>
  <input type="search" name="{{ search.html_name }}" id="{{ search.auto_id }}" value="{{ search.value() or '' }}" maxlength="200" autocomplete="off"
         class="form-control partner-search{% if search.errors %} is-invalid{% endif %}"{% if search.errors %} aria-invalid="true"{% endif %}
         aria-describedby="{{ search.auto_id }}-help {{ search.auto_id }}-errors" aria-controls="{{ prefix }}-partner-results" data-partner-search
         hx-get="{{ row_url('agreements:partner_search', goal.pk) }}" hx-trigger="input changed delay:300ms, search" hx-sync="this:replace"
         hx-include="#{{ prefix }}-partner-field" hx-target="#{{ prefix }}-partner-results" hx-swap="innerHTML">
  <div class="form-text" id="{{ search.auto_id }}-help">{{ search.help_text }}</div>
  <div id="{{ search.auto_id }}-errors" class="invalid-feedback d-block">{% for error in search.errors %}{{ error }}{% if not loop.last %} {% endif %}{% endfor %}</div>
  <div class="partner-results mt-1" id="{{ prefix }}-partner-results" aria-live="polite">{{ partner_results(form) }}</div>
</fieldset>

{% endmacro -%}
@OLD@{{ partner_field(goal, form) }}@NEW@{{ fields.partners(form, row_url('agreements:partner_search', goal.pk), partner_results(form), _("No partner workplaces chosen yet.")) }}@END@"""


class _Goal:
    pk = 7


def _posted(data: dict) -> MultiValueDict:
    # As a request's POST: lists for every key (the partner checkboxes read getlist).
    return MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in data.items()})


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_the_partner_field_is_the_macros_markup_unbound_with_search_errors_and_a_conflict(language):
    from agreements.views import _partner_results
    from tests.factories import WorkplaceFactory

    own = WorkplaceFactory(name="Egen <skole>")
    first = WorkplaceFactory(name='Skovbrynet & "Søen"')
    WorkplaceFactory(name="Skovbrynet Nord")
    WorkplaceFactory(name="Skovbrynet Syd")
    versions = {f"goal-7-{name}_version": "1" for name in ("title", "kind", "why", "success", "partners")}
    with translation.override(language):
        forms = [
            GoalForm(prefix="goal-7", workplace_id=own.pk, initial={"partners_version": 2}, initial_partners=[first]),
            GoalForm(prefix="goal-7", workplace_id=own.pk, initial={}, initial_partners=[]),
        ]
        for search in ("Skovbrynet", "findes-ikke <x>", ""):
            data = {
                "goal-7-title": "T",
                "goal-7-kind": "cross_cutting",
                "goal-7-partners": [str(first.pk), "abc"],
                "goal-7-partner_search": search,
                **versions,
            }
            bound = GoalForm(_posted(data), prefix="goal-7", workplace_id=own.pk)
            bound.is_valid()
            forms.append(bound)
        conflicted = GoalForm(
            _posted({**versions, "goal-7-title": "T", "goal-7-kind": "own"}), prefix="goal-7", workplace_id=own.pk
        )
        conflicted.is_valid()
        conflicted.mark_conflict("partners", FieldState(key="partners", value="<i>theirs</i>", version=5))
        forms.append(conflicted)
        written = []
        for form in forms:
            html = (
                engines["jinja2"]
                .from_string(PARTNER_MACRO)
                .render(
                    {"form": form, "goal": _Goal(), "editor_fields": EditorFields, "partner_results": _partner_results}
                )
            )
            ((old, new),) = re.findall("@OLD@(.*?)@NEW@(.*?)@END@", html, re.S)
            assert old == new
            written.append(new)
    assert "checked><label" in written[0] and "Skovbrynet &amp; &#34;Søen&#34;" in written[0]
    assert 'partner-search is-invalid" aria-invalid="true"' in written[2]  # several match: tick one
    assert "Skovbrynet Nord" in written[2]  # the matches to tick
    assert '<conflict of="id_goal-7-partners">' in written[-1]


# --- Fields of unbound forms written once per process (editor_html._WRITTEN) ---------------


def _fresh(write):
    # The same call with the cache empty: what the field's markup is without it.
    from agreements import editor_html

    saved = dict(editor_html._WRITTEN)
    editor_html._WRITTEN.clear()
    try:
        return write()
    finally:
        editor_html._WRITTEN.clear()
        editor_html._WRITTEN.update(saved)


@pytest.mark.parametrize("language", ["da", "en"])
def test_an_unbound_field_is_written_once_and_its_markup_follows_its_text_version_and_language(language):
    from agreements import editor_html

    def goal_form(title, version):
        return GoalForm(
            prefix="goal-9",
            initial={"title": title, "title_version": version, "kind": "own", "kind_version": 1},
            workplace_id=1,
            initial_partners=[],
        )

    def draft(form, name="title"):
        return EditorFields(None).draft(form[name], form[f"{name}_version"], True)

    with translation.override(language):
        first = draft(goal_form("Trivsel <først>", 1))
        assert first == _fresh(lambda: draft(goal_form("Trivsel <først>", 1)))
        assert draft(goal_form("Trivsel <først>", 1)) is first  # the second page reads it
        for title, version in (("Trivsel <først>", 2), ("Trivsel", 1), ("1", 1)):
            written = draft(goal_form(title, version))
            assert written == _fresh(lambda title=title, version=version: draft(goal_form(title, version)))
            assert written != first
        plain = EditorFields(None).plain(NewGoalForm()["kind"], "mb-0")
        assert plain == _fresh(lambda: EditorFields(None).plain(NewGoalForm()["kind"], "mb-0"))
    other = "en" if language == "da" else "da"
    with translation.override(other):
        assert draft(goal_form("Trivsel <først>", 1)) == _fresh(lambda: draft(goal_form("Trivsel <først>", 1)))
        assert draft(goal_form("Trivsel <først>", 1)) != first  # the label in the other language
    assert len(editor_html._WRITTEN) <= editor_html._WRITTEN_ENTRIES


def test_a_posted_form_or_a_conflict_is_never_written_from_the_cache():
    from agreements import editor_html

    data = {"goal-9-title": "", "goal-9-title_version": "1", "goal-9-kind": "own", "goal-9-kind_version": "1"}
    bound = GoalForm(data, prefix="goal-9", workplace_id=1)
    assert not bound.is_valid()
    before = len(editor_html._WRITTEN)
    html = EditorFields(None).draft(bound["title"], bound["title_version"], True)
    assert "is-invalid" in html and len(editor_html._WRITTEN) == before
    unbound = GoalForm(prefix="goal-9", initial={"why": "x", "why_version": 1}, workplace_id=1, initial_partners=[])
    unbound["why"].conflict = FieldState(key="why", value="<i>theirs</i>", version=5)
    html = EditorFields(lambda conflict, field_id: f"<conflict {field_id}>").draft(
        unbound["why"], unbound["why_version"]
    )
    assert "<conflict id_goal-9-why>" in html and len(editor_html._WRITTEN) == before


def test_the_cache_is_bounded_by_entries_and_characters(monkeypatch):
    from agreements import editor_html

    monkeypatch.setattr(editor_html, "_WRITTEN", {})
    monkeypatch.setattr(editor_html, "_written_chars", 0)
    monkeypatch.setattr(editor_html, "_WRITTEN_ENTRIES", 3)
    for n in range(10):
        form = IntroductionForm(initial={"introduction": f"tekst {n}", "introduction_version": n})
        EditorFields(None).draft(form["introduction"], form["introduction_version"])
        assert 1 <= len(editor_html._WRITTEN) <= 3
    monkeypatch.setattr(editor_html, "_WRITTEN_ENTRIES", 100)
    monkeypatch.setattr(editor_html, "_WRITTEN_CHARS", 5_000)
    for n in range(10):
        form = IntroductionForm(initial={"introduction": "x" * 1_000 + str(n), "introduction_version": n})
        EditorFields(None).draft(form["introduction"], form["introduction_version"])
        assert editor_html._written_chars <= 5_000


@pytest.mark.django_db
def test_the_editor_page_is_the_same_with_its_fields_written_and_read_from_the_cache(org, client_for):
    from agreements import editor_html
    from tests.agreements.helpers import make_agreement

    agreement = make_agreement(org, "draft", goals=3)
    client = client_for(org.leader)
    url = f"/udviklingsaftaler/{agreement.pk}/rediger/"

    def page() -> str:
        html = client.get(url).content.decode()
        return re.sub(r"[A-Za-z0-9]{64}", "(token)", html)  # the masked CSRF tokens

    editor_html._WRITTEN.clear()
    cold = page()
    assert editor_html._WRITTEN
    assert page() == cold


def test_a_field_by_name_is_the_field_by_bound_field_unbound_posted_and_after_a_conflict():
    def unbound():
        return GoalForm(
            prefix="goal-8", initial={"title": "Mål <1>", "title_version": 4}, workplace_id=1, initial_partners=[]
        )

    def posted():
        form = GoalForm({"goal-8-title": "", "goal-8-title_version": "x"}, prefix="goal-8", workplace_id=1)
        form.is_valid()
        return form

    conflicted = unbound()
    conflicted["why"].conflict = FieldState(key="why", value="<i>theirs</i>", version=5)
    fields = EditorFields(lambda conflict, field_id: f"<conflict {field_id}>")
    for make in (unbound, posted, lambda: conflicted):
        for name, single in (("title", True), ("why", False), ("kind", False)):
            assert fields.draft_of(make(), name, single) == _fresh(
                lambda make=make, name=name, single=single: fields.draft(
                    make()[name], make()[f"{name}_version"], single
                )
            )
    assert "<conflict id_goal-8-why>" in fields.draft_of(conflicted, "why")
    for form in (MilestoneForm(prefix="milestone-8", template=_Template()), NewGoalForm()):
        assert fields.plain_of(form, "title", "mb-0") == _fresh(lambda form=form: fields.plain(form["title"], "mb-0"))


@pytest.mark.django_db
def test_the_partner_field_of_an_unbound_form_is_written_once_and_follows_its_partners():
    from markupsafe import Markup

    from agreements import editor_html
    from tests.factories import WorkplaceFactory

    first, second = WorkplaceFactory(name="Skovbrynet <1>"), WorkplaceFactory(name="Søen")

    def partners(chosen, version=1):
        form = GoalForm(prefix="goal-6", workplace_id=1, initial={"partners_version": version}, initial_partners=chosen)
        return EditorFields(None).partners(form, "/soeg/", Markup("\n"), "Ingen")

    editor_html._WRITTEN.clear()
    written = partners([first])
    assert len(editor_html._WRITTEN) == 1 and partners([first]) is written
    for chosen, version in (([first], 2), ([first, second], 1), ([], 1)):
        assert partners(chosen, version) == _fresh(lambda chosen=chosen, version=version: partners(chosen, version))
        assert partners(chosen, version) != written
    first.name = "Skovbrynet <2>"
    assert partners([first]) != written and "Skovbrynet &lt;2&gt;" in partners([first])
    posted = GoalForm({"goal-6-partners": [str(first.pk)]}, prefix="goal-6", workplace_id=1)
    posted.is_valid()
    before = len(editor_html._WRITTEN)
    EditorFields(None).partners(posted, "/soeg/", Markup("\n"), "Ingen")
    assert len(editor_html._WRITTEN) == before


# --- The goal cards (editor_html.GoalCards) ---------------------------------------------

# The loop over goal_forms of agreements/_edit.jinja before the cards moved to Python, with
# the page's partner_field macro and draft_conflict as the page had them.
GOAL_LOOP = (
    """{% macro draft_conflict(conflict, field_id) %}<conflict of="{{ field_id }}">{{ conflict.value }}</conflict>{% endmacro -%}
{% set fields = editor_fields(draft_conflict) -%}
{% macro partner_field(goal, form) %}{{ fields.partners(form, row_url('agreements:partner_search', goal.pk), partner_results(form), _("No partner workplaces chosen yet.")) }}{% endmacro -%}
@OLD@"""
    + """  {% for item in goal_forms %}{% set goal = item.goal %}{% set form = item.form %}
  <article class="card mb-4 goal-card" id="goal-{{ goal.pk }}" aria-labelledby="goal-{{ goal.pk }}-heading">
    <div class="card-header d-flex flex-wrap justify-content-between align-items-center gap-2">
      <h3 class="h5 mb-0" id="goal-{{ goal.pk }}-heading">{{ _("Goal %(n)s") % {"n": loop.index} }}: {{ goal.title }} <span class="badge goal-kind goal-kind-{{ goal.kind }}">{{ kind_labels.get(goal.kind, goal.kind) }}</span></h3>
      <div class="d-flex gap-1">
        <form method="post" action="{{ row_url('agreements:goal_move', goal.pk) }}">{{ csrf_input }}<input type="hidden" name="direction" value="up"><button class="btn btn-sm btn-outline-dark" type="submit"{% if loop.first %} disabled{% endif %}><i class="bi bi-arrow-up" aria-hidden="true"></i><span class="visually-hidden">{{ _("Move “%(title)s” up") % {"title": goal.title} }}</span></button></form>
        <form method="post" action="{{ row_url('agreements:goal_move', goal.pk) }}">{{ csrf_input }}<input type="hidden" name="direction" value="down"><button class="btn btn-sm btn-outline-dark" type="submit"{% if loop.last %} disabled{% endif %}><i class="bi bi-arrow-down" aria-hidden="true"></i><span class="visually-hidden">{{ _("Move “%(title)s” down") % {"title": goal.title} }}</span></button></form>
        <details class="goal-delete"><summary class="btn btn-sm btn-outline-danger"><i class="bi bi-trash" aria-hidden="true"></i><span class="visually-hidden">{{ _("Remove “%(title)s”") % {"title": goal.title} }}</span></summary>
          <form method="post" action="{{ row_url('agreements:goal_delete', goal.pk) }}" class="mt-1">{{ csrf_input }}<button class="btn btn-sm btn-danger" type="submit">{{ _("Yes, remove the goal") }}</button></form>
        </details>
      </div>
    </div>
    <div class="card-body">
      <form method="post" action="{{ row_url('agreements:goal_save', goal.pk) }}" novalidate class="goal-form" data-draft-form>
        {{ csrf_input }}
        <div class="row g-2">
          <div class="col-md-8">{{ fields.draft_of(form, "title", True) }}</div>
          <div class="col-md-4">{{ fields.draft_of(form, "kind") }}</div>
        </div>
        {{ fields.draft_of(form, "why") }}
        {{ fields.draft_of(form, "success") }}
        <fieldset class="indicator mb-2"><legend class="h6">{{ _("Indicator (where it can be measured)") }}</legend>
          <div class="row g-2">
            <div class="col-md-6">{{ fields.draft_of(form, "indicator_name", True) }}</div>
            <div class="col-sm-6 col-md-3">{{ fields.draft_of(form, "indicator_baseline", True) }}</div>
            <div class="col-sm-6 col-md-3">{{ fields.draft_of(form, "indicator_target", True) }}</div>
          </div>
        </fieldset>
        {% if goal.kind == "cross_cutting" or form.partners.errors or form.partner_search.errors %}
        {{ partner_field(goal, form) }}
        {% else %}
        <details class="mb-3 partner-details"><summary class="small">{{ _("Partner workplaces (for a cross-cutting goal)") }}</summary>{{ partner_field(goal, form) }}</details>
        {% endif %}
        <button class="btn btn-outline-primary btn-sm" type="submit">{{ _("Save goal") }}</button>
      </form>

      <h4 class="h6 mt-4">{{ _("Milestones") }}</h4>
      <ul class="list-unstyled milestones">
        {% for m in goal.milestone_list %}
        <li class="d-flex align-items-center gap-2 mb-1"><time datetime="{{ m.due_on|date('Y-m-d') }}">{{ m.due_on|date("SHORT_DATE_FORMAT") }}</time> {{ m.title }}
          <form method="post" action="{{ row_url('agreements:milestone_delete', m.pk) }}">{{ csrf_input }}<button class="btn btn-sm btn-link text-danger p-0" type="submit">{{ _("Remove") }}<span class="visually-hidden"> {{ m.title }}</span></button></form></li>
        {% else %}<li class="small text-body-secondary">{{ _("No milestones yet: add the steps on the way, with dates inside the period.") }}</li>{% endfor %}
      </ul>
      <form method="post" action="{{ row_url('agreements:milestone_add', goal.pk) }}" novalidate class="row g-2 align-items-start milestone-form">{{ csrf_input }}
        <div class="col-md-6">{{ fields.plain_of(item.milestone_form, "title", "mb-0") }}</div>
        <div class="col-md-4">{{ fields.plain_of(item.milestone_form, "due_on", "mb-0") }}</div>
        <div class="col-md-2 pt-md-4"><button class="btn btn-sm btn-outline-primary mt-md-2" type="submit">{{ _("Add milestone") }}</button></div>
      </form>
    </div>
  </article>
  {% else %}
  <div class="empty-state mb-4"><i class="bi bi-bullseye" aria-hidden="true"></i><p>{{ _("No goals yet. Add a few clear goals rooted in the core task.") }}</p></div>
  {% endfor %}"""
    + """@NEW@  {{ editor_goal_cards(fields, _, csrf_input, kind_labels, partner_results)(goal_forms) }}@END@"""
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_the_goal_cards_are_the_loops_markup(language):
    from types import SimpleNamespace

    from markupsafe import Markup

    from agreements.editor_html import GoalCards
    from agreements.models import Goal
    from agreements.views import _partner_results
    from samspil.jinja2 import translator
    from tests.factories import WorkplaceFactory

    own = WorkplaceFactory(name="Egen <skole>")
    partner = WorkplaceFactory(name='Skovbrynet & "Søen"')
    awkward = "\"><script>x</script> & 'q'"
    milestones = [
        SimpleNamespace(pk=31, due_on=dt.date(2027, 3, 1), title=awkward),
        SimpleNamespace(pk=32, due_on=dt.date(2027, 11, 30), title="Evaluering"),
    ]
    with translation.override(language):
        kinds = {value: str(label) for value, label in Goal.Kind.choices}

        def item(pk, kind, form, milestone_list=()):
            goal = SimpleNamespace(pk=pk, title=f"Mål {pk} {awkward}", kind=kind, milestone_list=list(milestone_list))
            milestone_form = MilestoneForm(prefix=f"milestone-{pk}", template=_Template())
            return {"goal": goal, "form": form, "milestone_form": milestone_form}

        def unbound(pk, kind, partners=()):
            initial = {"title": f"Mål {pk}", "kind": kind, "why": awkward, "title_version": 2, "partners_version": 1}
            return GoalForm(prefix=f"goal-{pk}", initial=initial, workplace_id=own.pk, initial_partners=list(partners))

        posted = GoalForm(
            _posted({"goal-9-title": "", "goal-9-kind": "own", "goal-9-partner_search": "x" * 300}),
            prefix="goal-9",
            workplace_id=own.pk,
        )
        posted.is_valid()
        posted.mark_conflict("why", FieldState(key="why", value="<i>theirs</i>", version=5, changed_by="Kim"))
        bound_milestone = MilestoneForm({"milestone-9-title": ""}, prefix="milestone-9", template=_Template())
        bound_milestone.is_valid()
        with_errors = item(9, "own", posted, milestones[:1])
        with_errors["milestone_form"] = bound_milestone
        cases = [
            [],
            [item(1, "own", unbound(1, "own"))],
            [
                item(1, "own", unbound(1, "own"), milestones),
                item(2, "cross_cutting", unbound(2, "cross_cutting", [partner]), milestones[1:]),
                item(3, "shared", unbound(3, "shared")),
                with_errors,
            ],
        ]
        written = []
        for goal_forms in cases:
            html = (
                engines["jinja2"]
                .from_string(GOAL_LOOP)
                .render(
                    {
                        "goal_forms": goal_forms,
                        "csrf_input": Markup('<input type="hidden" name="csrfmiddlewaretoken" value="t&amp;k">'),
                        "kind_labels": kinds,
                        "partner_results": _partner_results,
                        "editor_fields": EditorFields,
                        "editor_goal_cards": GoalCards,
                        "_": translator(),
                    }
                )
            )
            ((old, new),) = re.findall("@OLD@(.*?)@NEW@(.*?)@END@", html, re.S)
            assert old == new
            written.append(new)
    assert "empty-state" in written[0]
    assert written[1].count(" disabled>") == 2  # one goal: neither up nor down
    assert "&lt;script&gt;" in written[2] and "<script>" not in written[2]
    assert '<conflict of="id_goal-9-why">' in written[2] and 'aria-invalid="true"' in written[2]
    assert "Skovbrynet &amp; &#34;Søen&#34;" in written[2]
