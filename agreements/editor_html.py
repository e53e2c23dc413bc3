"""The agreement editor's form fields written in Python (agreements/_edit.jinja).

The editor shows about 35 labelled fields (seven per goal, each with its hidden version,
and the milestone and new-goal forms). As Jinja2 macros each cost a macro call, a dozen
look-ups on the bound field, a translation and the widget's render through the form
renderer; written here they are a few f-strings with the same markup, character for
character (tests/agreements/test_editor_html.py renders both). The widgets are
samspil.widget_html.bound_field: Django's attributes without the renderer's detour.
"""

from __future__ import annotations

from django.conf import settings
from django.template import defaultfilters
from django.utils.translation import get_language, gettext, trans_real
from markupsafe import Markup, escape

from samspil.jinja2 import escape_text, urls_for_render
from samspil.widget_html import bound_field


def page_gettext():
    """gettext for one page's template (its ``_``): the active language's catalogue is
    looked up once, where Django's gettext finds it again for each of the editor's ≈130
    strings. The same translations (the catalogue's own fallbacks); literal messages only,
    as a template's are."""
    if not settings.USE_I18N:
        return gettext
    return trans_real.catalog().gettext


def _errors(bound) -> str:
    return " ".join(str(escape(error)) for error in bound.errors)


def _help(bound) -> str:
    help_text = bound.help_text
    return f'<div class="form-text">{escape(help_text)}</div>' if help_text else ""


# The markup of fields of unbound forms (a fresh editor page), by what it is made of: the
# language, the form's class and prefix, the field's (and its version's) name and initial
# value, the layout. The same field of the same goal with the same text and version is
# written once per process, not on every page (the fields were half the editor's render).
# A form that was posted (bound: errors, conflicts, the writer's text) is always written.
_WRITTEN: dict[tuple, Markup] = {}
# Bounded by entries and by characters (a goal's texts are up to bounds.TEXT each): past
# either bound the cache starts again.
_WRITTEN_ENTRIES = 2_000
_WRITTEN_CHARS = 500_000
_written_chars = 0
_MISSING = object()


def _initial(form, name: str):
    """The initial value the unbound `form`'s field `name` shows, when it is a plain text,
    whole number or None from the form's initial data (what the field's markup is made
    of); _MISSING otherwise (a bound form, a field marked with a conflict, a callable or
    other initial: not cached)."""
    if form.is_bound:
        return _MISSING
    bound = form._bound_fields_cache.get(name)
    if bound is not None and getattr(bound, "conflict", None) is not None:
        return _MISSING
    value = form.initial.get(name, _MISSING)
    if value is _MISSING and form.fields[name].initial is None:
        value = None
    return value if value is None or type(value) in (str, int) else _MISSING


def _remember(key: tuple, html: Markup) -> Markup:
    global _written_chars
    size = len(html) + sum(len(part) for part in key if type(part) is str)
    if len(_WRITTEN) >= _WRITTEN_ENTRIES or _written_chars + size > _WRITTEN_CHARS:
        _WRITTEN.clear()
        _written_chars = 0
    _WRITTEN[key] = html
    _written_chars += size
    return html


class EditorFields:
    """The editor's two field layouts; `conflict` is the template's draft_conflict macro
    (only called for a field that someone else saved meanwhile)."""

    def __init__(self, conflict) -> None:
        self.conflict = conflict
        self.language = get_language()
        self.required = f' <span class="text-body-secondary small">({escape(gettext("required"))})</span>'

    def _label(self, bound, auto_id: str) -> str:
        required = self.required if bound.field.required else ""
        return f'<label class="form-label" for="{auto_id}">{escape(bound.label)}{required}</label>'

    def draft(self, bound, version, single_line: bool = False) -> Markup:
        """A field saved on its own (the macro draft_field): label, widget, its version,
        help, errors, the save status and, after a conflict, the other writer's text."""
        if version.form is not bound.form:
            return self._draft(bound, version, single_line)
        return self.draft_of(bound.form, bound.name, single_line, version.name)

    def draft_of(self, form, name: str, single_line: bool = False, version_name: str = "") -> Markup:
        """draft(form[name], form[name + "_version"]) without building the bound fields
        when the markup is known."""
        version_name = version_name or f"{name}_version"
        value, version_value = _initial(form, name), _initial(form, version_name)
        if value is _MISSING or version_value is _MISSING:
            return self._draft(form[name], form[version_name], single_line)
        key = (
            self.language,
            type(form),
            form.auto_id,
            form.prefix,
            name,
            value,
            version_name,
            version_value,
            single_line,
        )
        html = _WRITTEN.get(key)
        return html if html is not None else _remember(key, self._draft(form[name], form[version_name], single_line))

    def _draft(self, bound, version, single_line: bool) -> Markup:
        auto_id = escape(bound.auto_id)
        conflict = getattr(bound, "conflict", None)
        single = " data-single-line" if single_line else ""
        return Markup(  # noqa: S704  # nosec B704 - every value in it is escaped or a widget's markup
            f'\n<div class="mb-3 draft-field" data-draft-field="{escape(bound.html_name)}"{single}>\n'
            f"  {self._label(bound, auto_id)}\n"
            f"  {bound_field(bound)}\n"
            f"  {bound_field(version)}\n"
            f"  {_help(bound)}\n"
            f'  <div id="{auto_id}-errors" class="invalid-feedback d-block">{_errors(bound)}</div>\n'
            f'  <div id="{auto_id}-status" class="draft-status small" role="status" aria-live="polite"></div>\n'
            f"  {self.conflict(conflict, bound.auto_id) if conflict else ''}\n"
            "</div>\n"
        )

    def plain(self, bound, wrapper_class: str = "") -> Markup:
        """A field of a form saved whole (the macro plain_field)."""
        return self.plain_of(bound.form, bound.name, wrapper_class)

    def plain_of(self, form, name: str, wrapper_class: str = "") -> Markup:
        """plain(form[name], wrapper_class) without building the bound field when the
        markup is known."""
        value = _initial(form, name)
        if value is _MISSING or type(wrapper_class) is not str:
            return self._plain(form[name], wrapper_class)
        key = (self.language, type(form), form.auto_id, form.prefix, name, value, wrapper_class)
        html = _WRITTEN.get(key)
        return html if html is not None else _remember(key, self._plain(form[name], wrapper_class))

    def _plain(self, bound, wrapper_class: str) -> Markup:
        auto_id = escape(bound.auto_id)
        wrapper = f" {escape(wrapper_class)}" if wrapper_class else ""
        return Markup(  # noqa: S704  # nosec B704 - every value in it is escaped or a widget's markup
            f'<div class="mb-3{wrapper}">\n'
            f"  {self._label(bound, auto_id)}\n"
            f"  {bound_field(bound)}\n"
            f"  {_help(bound)}\n"
            f'  <div id="{auto_id}-errors" class="invalid-feedback d-block">{_errors(bound)}</div>\n'
            "</div>\n"
        )

    def partners(self, form, search_url: str, results: str, none_text: str) -> Markup:
        """A goal's partner workplaces (the macro partner_field): the ticked partners, the
        partners' version, errors and save status, and the search box with its results.
        `results` is views._partner_results' markup; `none_text` the template's message."""
        chosen = form.chosen_partners()
        version = _initial(form, "partners_version")
        search = _initial(form, "partner_search")
        partners = form._bound_fields_cache.get("partners")
        if _MISSING in (version, search) or getattr(partners, "conflict", None) is not None or form.partner_suggestions:
            return self._partners(form, chosen, search_url, results, none_text)
        key = (
            self.language,
            type(form),
            form.auto_id,
            form.prefix,
            tuple((workplace.pk, workplace.name) for workplace in chosen),
            version,
            search,
            search_url,
            str(results),
            str(none_text),
        )
        html = _WRITTEN.get(key)
        if html is None:
            html = _remember(key, self._partners(form, chosen, search_url, results, none_text))
        return html

    def _partners(self, form, chosen, search_url: str, results: str, none_text: str) -> Markup:
        prefix = escape(form.prefix)
        partners, search = form["partners"], form["partner_search"]
        partners_id, search_id = escape(partners.auto_id), escape(search.auto_id)
        partners_name = escape(partners.html_name)
        items = "".join(
            f'<li class="form-check"><input class="form-check-input" type="checkbox" name="{partners_name}"'
            f' value="{workplace.pk}" id="{prefix}-partner-{workplace.pk}" checked><label class="form-check-label"'
            f' for="{prefix}-partner-{workplace.pk}">{escape(workplace.name)}</label></li>'
            for workplace in chosen
        )
        conflict = getattr(partners, "conflict", None)
        invalid = bool(search.errors)
        invalid_class, invalid_aria = (" is-invalid", ' aria-invalid="true"') if invalid else ("", "")
        return Markup(  # noqa: S704  # nosec B704 - every value in it is escaped or a widget's markup
            f'\n<fieldset class="partner-field mb-3" id="{prefix}-partner-field"'
            f' aria-describedby="{partners_id}-help {partners_id}-errors" data-draft-field="{partners_name}"'
            " data-draft-list>\n"
            f'  <legend class="form-label fs-6 mb-1">{escape(partners.label)}</legend>\n'
            f'  <p class="form-text mt-0 mb-2" id="{partners_id}-help">{escape(partners.help_text)}</p>\n'
            f'  <ul class="list-unstyled partner-chosen mb-1" id="{prefix}-partners-chosen">\n'
            f"    {items}\n"
            "  </ul>\n"
            f'  <p class="small text-body-secondary partner-none mb-1"{" hidden" if chosen else ""}>'
            f"{escape(none_text)}</p>\n"
            f"  {bound_field(form['partners_version'])}\n"
            f'  <div id="{partners_id}-errors" class="invalid-feedback d-block mb-2">{_errors(partners)}</div>\n'
            f'  <div id="{partners_id}-status" class="draft-status small mb-1" role="status" aria-live="polite"></div>\n'
            f"  {self.conflict(conflict, partners.auto_id) if conflict else ''}\n"
            f'  <label class="form-label small mb-1" for="{search_id}">{escape(search.label)}</label>\n'
            f'  <input type="search" name="{escape(search.html_name)}" id="{search_id}"'
            f' value="{escape(search.value() or "")}" maxlength="200" autocomplete="off"\n'
            f'         class="form-control partner-search{invalid_class}"{invalid_aria}\n'
            f'         aria-describedby="{search_id}-help {search_id}-errors" aria-controls="{prefix}-partner-results"'
            " data-partner-search\n"
            f'         hx-get="{escape(search_url)}" hx-trigger="input changed delay:300ms, search" hx-sync="this:replace"\n'
            f'         hx-include="#{prefix}-partner-field" hx-target="#{prefix}-partner-results" hx-swap="innerHTML">\n'
            f'  <div class="form-text" id="{search_id}-help">{escape(search.help_text)}</div>\n'
            f'  <div id="{search_id}-errors" class="invalid-feedback d-block">{_errors(search)}</div>\n'
            f'  <div class="partner-results mt-1" id="{prefix}-partner-results" aria-live="polite">{results}</div>\n'
            "</fieldset>\n\n"
        )


def _date(value, format_name: str) -> str:
    return escape_text(defaultfilters.date(value, format_name))


class GoalCards:
    """The editor's goal cards (the loop over `goal_forms` in agreements/_edit.jinja): a
    card's header, its goal form, milestones and milestone form, character for character
    what the loop wrote (tests/agreements/test_editor_html.py renders both). As a Jinja2
    loop each card cost ≈ 0.2 ms of attribute look-ups, macro calls and escapes.

    `fields` writes the form fields (EditorFields), `_` is the template's translator,
    `csrf_input` the page's token field and `partner_results` the view's search results."""

    def __init__(self, fields: EditorFields, _, csrf_input, kind_labels: dict, partner_results) -> None:
        self.fields = fields
        self._ = _
        self.csrf = str(csrf_input)
        self.kind_labels = kind_labels
        self.partner_results = partner_results
        # The cards' links with the script prefix and URL configuration read once per page.
        _url, self.row_url = urls_for_render()

    def __call__(self, goal_forms: list[dict]) -> Markup:
        _ = self._
        if not goal_forms:
            return Markup(  # noqa: S704  # nosec B704 - a translation, escaped
                '\n  <div class="empty-state mb-4"><i class="bi bi-bullseye" aria-hidden="true"></i><p>'
                f"{escape_text(_('No goals yet. Add a few clear goals rooted in the core task.'))}</p></div>\n  "
            )
        last = len(goal_forms)
        return Markup("".join(self._card(item, index, last) for index, item in enumerate(goal_forms, 1)))  # noqa: S704  # nosec B704

    def _card(self, item: dict, index: int, last: int) -> str:
        _, csrf, fields = self._, self.csrf, self.fields
        goal, form = item["goal"], item["form"]
        pk = goal.pk
        title = escape_text(goal.title)
        kind = goal.kind
        remove_title = escape_text(_("Remove “%(title)s”") % {"title": goal.title})
        in_view = kind == "cross_cutting" or form["partners"].errors or form["partner_search"].errors
        partners = fields.partners(
            form,
            self.row_url("agreements:partner_search", pk),
            self.partner_results(form),
            _("No partner workplaces chosen yet."),
        )
        if in_view:
            partner_block = f"\n        {partners}\n        "
        else:
            partner_block = (
                f'\n        <details class="mb-3 partner-details"><summary class="small">'
                f"{escape_text(_('Partner workplaces (for a cross-cutting goal)'))}</summary>{partners}</details>\n        "
            )
        milestones = "".join(
            '\n        <li class="d-flex align-items-center gap-2 mb-1">'
            f'<time datetime="{_date(m.due_on, "Y-m-d")}">{_date(m.due_on, "SHORT_DATE_FORMAT")}</time> {escape_text(m.title)}\n'
            f'          <form method="post" action="{self.row_url("agreements:milestone_delete", m.pk)}">{csrf}'
            f'<button class="btn btn-sm btn-link text-danger p-0" type="submit">{escape_text(_("Remove"))}'
            f'<span class="visually-hidden"> {escape_text(m.title)}</span></button></form></li>\n        '
            for m in goal.milestone_list
        ) or (
            '<li class="small text-body-secondary">'
            f"{escape_text(_('No milestones yet: add the steps on the way, with dates inside the period.'))}</li>"
        )
        move = self.row_url("agreements:goal_move", pk)
        milestone_form = item["milestone_form"]
        return (
            "\n"
            f'  <article class="card mb-4 goal-card" id="goal-{pk}" aria-labelledby="goal-{pk}-heading">\n'
            '    <div class="card-header d-flex flex-wrap justify-content-between align-items-center gap-2">\n'
            f'      <h3 class="h5 mb-0" id="goal-{pk}-heading">{escape_text(_("Goal %(n)s") % {"n": index})}: {title}'
            f' <span class="badge goal-kind goal-kind-{escape_text(kind)}">{escape_text(self.kind_labels.get(kind, kind))}</span></h3>\n'
            '      <div class="d-flex gap-1">\n'
            f'        <form method="post" action="{move}">{csrf}<input type="hidden" name="direction" value="up">'
            f'<button class="btn btn-sm btn-outline-dark" type="submit"{" disabled" if index == 1 else ""}>'
            '<i class="bi bi-arrow-up" aria-hidden="true"></i><span class="visually-hidden">'
            f"{escape_text(_('Move “%(title)s” up') % {'title': goal.title})}</span></button></form>\n"
            f'        <form method="post" action="{move}">{csrf}<input type="hidden" name="direction" value="down">'
            f'<button class="btn btn-sm btn-outline-dark" type="submit"{" disabled" if index == last else ""}>'
            '<i class="bi bi-arrow-down" aria-hidden="true"></i><span class="visually-hidden">'
            f"{escape_text(_('Move “%(title)s” down') % {'title': goal.title})}</span></button></form>\n"
            '        <details class="goal-delete"><summary class="btn btn-sm btn-outline-danger">'
            f'<i class="bi bi-trash" aria-hidden="true"></i><span class="visually-hidden">{remove_title}</span></summary>\n'
            f'          <form method="post" action="{self.row_url("agreements:goal_delete", pk)}" class="mt-1">{csrf}'
            f'<button class="btn btn-sm btn-danger" type="submit">{escape_text(_("Yes, remove the goal"))}</button></form>\n'
            "        </details>\n"
            "      </div>\n"
            "    </div>\n"
            '    <div class="card-body">\n'
            f'      <form method="post" action="{self.row_url("agreements:goal_save", pk)}" novalidate class="goal-form"'
            " data-draft-form>\n"
            f"        {csrf}\n"
            '        <div class="row g-2">\n'
            f'          <div class="col-md-8">{fields.draft_of(form, "title", True)}</div>\n'
            f'          <div class="col-md-4">{fields.draft_of(form, "kind")}</div>\n'
            "        </div>\n"
            f"        {fields.draft_of(form, 'why')}\n"
            f"        {fields.draft_of(form, 'success')}\n"
            '        <fieldset class="indicator mb-2"><legend class="h6">'
            f"{escape_text(_('Indicator (where it can be measured)'))}</legend>\n"
            '          <div class="row g-2">\n'
            f'            <div class="col-md-6">{fields.draft_of(form, "indicator_name", True)}</div>\n'
            f'            <div class="col-sm-6 col-md-3">{fields.draft_of(form, "indicator_baseline", True)}</div>\n'
            f'            <div class="col-sm-6 col-md-3">{fields.draft_of(form, "indicator_target", True)}</div>\n'
            "          </div>\n"
            "        </fieldset>\n"
            f"        {partner_block}\n"
            f'        <button class="btn btn-outline-primary btn-sm" type="submit">{escape_text(_("Save goal"))}</button>\n'
            "      </form>\n"
            "\n"
            f'      <h4 class="h6 mt-4">{escape_text(_("Milestones"))}</h4>\n'
            '      <ul class="list-unstyled milestones">\n'
            f"        {milestones}\n"
            "      </ul>\n"
            f'      <form method="post" action="{self.row_url("agreements:milestone_add", pk)}" novalidate'
            f' class="row g-2 align-items-start milestone-form">{csrf}\n'
            f'        <div class="col-md-6">{fields.plain_of(milestone_form, "title", "mb-0")}</div>\n'
            f'        <div class="col-md-4">{fields.plain_of(milestone_form, "due_on", "mb-0")}</div>\n'
            '        <div class="col-md-2 pt-md-4"><button class="btn btn-sm btn-outline-primary mt-md-2" type="submit">'
            f"{escape_text(_('Add milestone'))}</button></div>\n"
            "      </form>\n"
            "    </div>\n"
            "  </article>\n"
            "  "
        )
