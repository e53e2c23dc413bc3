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

    def widget(self, bound) -> Markup:
        return Markup(bound_field(bound))  # noqa: S704  # nosec B704 - the widget's markup

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
