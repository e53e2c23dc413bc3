"""Django's commonest widget templates written out in Python, with the same markup.

A form-heavy page renders many widgets: the agreement editor about 70 (ten fields and
eight hidden versions per goal). Rendering Django's Jinja2 copy of `input.html` costs a
template context, an include of `attrs.html` and a loop per widget, about 60 µs; the same
string built here costs a few µs. `samspil.rendering.FormRenderer` asks `write()` first
and renders the template when it answers None: for any template not listed in WRITERS,
and for a context that holds more than the widget (a widget subclass with its own
context).

The output is the Jinja2 templates' output character for character (MarkupSafe's
escaping, so `&#34;` and `&#39;` as there; the renderer's final `strip()`), which
tests/portal/test_rendering.py checks against the templates for every widget listed.
"""

from __future__ import annotations

from markupsafe import Markup, escape

_PREFIX = "django/forms/widgets/"
_OPTION_TEMPLATE = _PREFIX + "select_option.html"


# Attribute names escaped once per process: a form page writes the same few hundred times.
_NAMES: dict[str, str] = {}


def _name(name: str) -> str:
    escaped = _NAMES.get(name)
    if escaped is None:
        escaped = str(escape(name))
        if len(_NAMES) < 500:  # names come from code; the bound keeps an odd form from growing it
            _NAMES[name] = escaped
    return escaped


def _attrs(attrs: dict) -> str:
    # attrs.html: a False value leaves the attribute out, True writes it bare.
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_name(name)}")
        else:
            parts.append(f' {_name(name)}="{escape(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    # input.html (text.html, hidden.html, date.html, … include it).
    value = widget["value"]
    value_attr = "" if value is None else f' value="{escape(value)}"'
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value_attr}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{escape(value) if value else ""}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>{escape(option["label"])}</option>'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


INPUT_TYPES = ("text", "hidden", "number", "email", "url", "password", "search", "tel", "date", "time", "datetime")

WRITERS = {
    **{f"{_PREFIX}{name}.html": _input for name in INPUT_TYPES},
    _PREFIX + "checkbox.html": _input,
    _PREFIX + "textarea.html": _textarea,
    _PREFIX + "select.html": _select,
}


def write(template_name: str, context: dict) -> str | None:
    """The widget's markup, or None when the template must render it."""
    writer = WRITERS.get(template_name)
    if writer is None or len(context) != 1 or "widget" not in context:
        return None
    return writer(context["widget"])


def _fast_types() -> dict:
    from django.forms import widgets

    inputs = (
        widgets.TextInput,
        widgets.NumberInput,
        widgets.EmailInput,
        widgets.URLInput,
        widgets.HiddenInput,
        widgets.DateInput,
        widgets.TimeInput,
        widgets.DateTimeInput,
    )
    return {**dict.fromkeys(inputs, "input"), widgets.Textarea: "textarea", widgets.Select: "select"}


_FAST_TYPES: dict | None = None


def bound_field(bound) -> str:
    """``str(bound)`` (BoundField.as_widget and the widget's template) without the detour
    through the renderer, for the plain inputs, textareas and selects; a form page with
    70 fields spends about 20 µs less on each. The attributes are Django's own
    (BoundField.build_widget_attrs, Widget.format_value and get_context); anything else
    (a widget subclass, a localised field, a hidden initial, another renderer) is
    rendered by ``str(bound)``. tests/portal/test_rendering.py compares the two."""
    global _FAST_TYPES
    if _FAST_TYPES is None:
        _FAST_TYPES = _fast_types()
    from .rendering import FormRenderer

    field = bound.field
    widget = field.widget
    kind = _FAST_TYPES.get(type(widget))
    if (
        kind is None
        or field.show_hidden_initial
        or field.localize
        or type(bound.form.renderer) is not FormRenderer
        or widget.template_name not in WRITERS
    ):
        return str(bound)
    attrs = bound.build_widget_attrs({}, widget)
    auto_id = bound.auto_id
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    if kind == "select":
        html = _select(widget.get_context(bound.html_name, bound.value(), attrs)["widget"])
        return str(bound) if html is None else html
    context = {
        "name": bound.html_name,
        "value": widget.format_value(bound.value()),
        "attrs": {**widget.attrs, **attrs},
    }
    if kind == "textarea":
        return _textarea(context)
    context["type"] = widget.input_type
    return _input(context)


def unit_options(units, selected: str) -> Markup:
    """A filter select's options for units (each with `slug` and `name`), the chosen slug
    selected: what the list templates' loop wrote
    (`<option value="{{ c.slug }}"{% if … %} selected{% endif %}>{{ c.name }}</option>`),
    character for character. The committees and centres are ninety options on every
    list page; a Jinja2 loop spent three attribute look-ups and two escapes on each."""
    return Markup(  # noqa: S704  # nosec B704 - every value in it is escaped
        "".join(
            f'<option value="{escape(unit.slug)}"{" selected" if unit.slug == selected else ""}>{escape(unit.name)}</option>'
            for unit in units
        )
    )
