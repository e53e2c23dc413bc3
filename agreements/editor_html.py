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
from django.utils.translation import get_language, gettext, trans_real
from markupsafe import Markup, escape

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
