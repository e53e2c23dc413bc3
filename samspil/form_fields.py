"""Cheaper form construction: each form's own copy of its fields without `copy.deepcopy`.

Every form instance deep-copies its class's fields (`BaseForm.__init__`), so that an
instance may change a field or its widget's attributes without touching the class's. The
agreement editor builds ten forms of up to seventeen fields a request; `copy.deepcopy`
walks each field and widget through `__reduce_ex__`, and that walk was a tenth of the
page's Python. `quick_copy(FormClass)` gives the class fields that copy themselves the
same way Django's own `__deepcopy__` methods do (a new field with its own widget, widget
attributes, error messages, validators and choices), with plain attribute copies instead.
A field or widget class with any other `__deepcopy__` (a model choice field's queryset, a
multi-value field's fields) is still copied by `copy.deepcopy`.
"""

from __future__ import annotations

import copy
from typing import TypeVar

from django import forms

_FIELD_COPIES = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__}
_WIDGET_COPIES = {forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__}


def _shallow(obj):
    # copy.copy of an object with a plain __dict__ (what __reduce_ex__ gives for these).
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


_QUICK: dict[type, bool] = {}


def _quick(cls: type, copies: set) -> bool:
    """Whether the class's deep copy is one of Django's plain ones, and copy.copy of it
    a copy of its __dict__ (no __new__, __slots__, __copy__ or __reduce__ of its own)."""
    quick = _QUICK.get(cls)
    if quick is None:
        quick = _QUICK[cls] = (
            cls.__deepcopy__ in copies
            and cls.__new__ is object.__new__
            and not any("__slots__" in vars(base) for base in cls.__mro__[:-1])
            and not hasattr(cls, "__copy__")
            and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__
        )
    return quick


def copy_field(field: forms.Field, memo: dict) -> forms.Field:
    """`copy.deepcopy(field)`, quicker for the fields whose deep copy is Django's plain one."""
    widget = field.widget
    if not (_quick(type(field), _FIELD_COPIES) and _quick(type(widget), _WIDGET_COPIES)):
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    memo[id(field)] = result
    # Widget.__deepcopy__ (and ChoiceWidget's, which copies the choices list too).
    new_widget = _shallow(widget)
    new_widget.attrs = widget.attrs.copy()
    if type(widget).__deepcopy__ is forms.widgets.ChoiceWidget.__deepcopy__:
        new_widget.choices = copy.copy(widget.choices)
    memo[id(widget)] = new_widget
    result.widget = new_widget
    # Field.__deepcopy__ (and ChoiceField's, which deep-copies its choices).
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if type(field).__deepcopy__ is forms.ChoiceField.__deepcopy__:
        result._choices = copy.deepcopy(field._choices, memo)
    return result


class QuickCopyFields(dict):
    """A form class's `base_fields` whose deep copy (each instance's `fields`) is a plain
    dict of `copy_field` copies."""

    def __deepcopy__(self, memo) -> dict:
        return {name: copy_field(field, memo) for name, field in self.items()}


F = TypeVar("F", bound=type[forms.BaseForm])


def quick_copy(form_class: F) -> F:
    """Class decorator: the form's instances copy their fields with `copy_field`."""
    form_class.base_fields = QuickCopyFields(form_class.base_fields)
    return form_class
