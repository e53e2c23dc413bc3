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
from django.utils.translation import gettext, trans_real
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


class EditorFields:
    """The editor's two field layouts; `conflict` is the template's draft_conflict macro
    (only called for a field that someone else saved meanwhile)."""

    def __init__(self, conflict) -> None:
        self.conflict = conflict
        self.required = f' <span class="text-body-secondary small">({escape(gettext("required"))})</span>'

    def _label(self, bound, auto_id: str) -> str:
        required = self.required if bound.field.required else ""
        return f'<label class="form-label" for="{auto_id}">{escape(bound.label)}{required}</label>'

    def draft(self, bound, version, single_line: bool = False) -> Markup:
        """A field saved on its own (the macro draft_field): label, widget, its version,
        help, errors, the save status and, after a conflict, the other writer's text."""
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
        prefix = escape(form.prefix)
        chosen = form.chosen_partners()
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
