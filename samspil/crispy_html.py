"""crispy-forms' Bootstrap 5 field (`{{ field|as_crispy_field }}`) written out in Python,
for the plainest fields: a select or a date input with a label, no help text, not
required, no errors. The field template is a Django template of some forty tags; a filter
form of six fields spent ≈ 0.4 ms a field in it (the hearing figures, issue 19).

The output is crispy's own, whitespace included (tests/portal/test_crispy_html.py
compares them); any other field answers None and the caller renders it with crispy.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_HEAD = (
    '\n\n\n    \n    <div id="div_{id}" class="mb-3">\n        \n            \n            <label\n'
    '                for="{id}" class="form-label">\n                {label}\n            </label>\n'
    "        \n\n        \n\n        \n            \n                \n                    \n"
)
_TAIL = (
    "                    \n                    \n                        \n\n\n    \n\n\n\n\n    \n\n\n\n"
    "                    \n                \n            \n        \n        \n    </div>\n    \n\n"
)
_SELECT = "                        \n                            {widget}\n                        \n"
_INPUT = "                        {widget}\n"


def field_html(field: forms.BoundField) -> SafeString | None:
    """What `field|as_crispy_field` writes, or None for a field this does not cover."""
    widget = field.field.widget
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple | forms.RadioSelect):
        body, bootstrap = _SELECT, "form-select"
    elif isinstance(widget, forms.DateInput) and not widget.is_hidden:
        body, bootstrap = _INPUT, "form-control"
    else:
        return None
    if (
        field.errors
        or field.help_text
        or field.field.required
        or not field.label
        or field.css_classes()
        or widget.attrs  # crispy adds to a class already there; aria attributes, …
        or field.field.disabled
    ):
        return None
    # crispy's class: the widget's class name, lower case (or its converter's), then Bootstrap's.
    name = type(widget).__name__.lower()
    css = f"{getattr(settings, 'CRISPY_CLASS_CONVERTERS', {}).get(name, name)} {bootstrap}"
    auto_id = field.auto_id
    if not auto_id or field.id_for_label != auto_id:
        return None
    return mark_safe(  # noqa: S308  # nosec B308 B703 (escaped above, the widget's own markup)
        _HEAD.format(id=conditional_escape(auto_id), label=conditional_escape(field.label))
        + body.format(widget=field.as_widget(attrs={"class": css}))
        + _TAIL
    )
