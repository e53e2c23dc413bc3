"""samspil.form_fields.quick_copy: each form instance's fields are its own copies, as
copy.deepcopy made them, and fields Django copies some other way are deep-copied still."""

from __future__ import annotations

import copy

from django import forms

from agreements.forms import GoalForm, MilestoneForm
from samspil.form_fields import QuickCopyFields, copy_field, quick_copy


class _Widget(forms.TextInput):
    """A widget with a deep copy of its own: copied by copy.deepcopy."""

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.copied_by_own_method = True
        return obj


@quick_copy
class _Form(forms.Form):
    name = forms.CharField(label="Navn", max_length=20, widget=forms.TextInput(attrs={"class": "a"}))
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    own = forms.CharField(widget=_Widget)
    split = forms.SplitDateTimeField()


def _state(field: forms.Field) -> dict:
    return {
        "type": type(field),
        "widget": type(field.widget),
        "attrs": field.widget.attrs,
        "errors": field.error_messages,
        "validators": field.validators,
        "choices": list(getattr(field, "choices", [])),
        "widget_choices": list(getattr(field.widget, "choices", [])),
        "label": field.label,
        "required": field.required,
    }


def test_a_quick_copy_equals_a_deep_copy_and_shares_nothing_mutable_with_the_class():
    assert isinstance(_Form.base_fields, QuickCopyFields)
    deep = {name: copy.deepcopy(field) for name, field in dict(_Form.base_fields).items()}
    form = _Form()
    assert type(form.fields) is dict
    assert list(form.fields) == list(deep)
    for name, field in form.fields.items():
        base = _Form.base_fields[name]
        assert _state(field) == _state(deep[name])
        assert field is not base and field.widget is not base.widget
        assert field.widget.attrs is not base.widget.attrs
        assert field.error_messages is not base.error_messages
        assert field.validators is not base.validators
    assert form.fields["kind"]._choices is not _Form.base_fields["kind"]._choices
    assert form.fields["many"].widget.choices is not _Form.base_fields["many"].widget.choices
    # Fields and widgets with another deep copy keep theirs.
    assert form.fields["own"].widget.copied_by_own_method
    assert form.fields["split"].fields[0] is not _Form.base_fields["split"].fields[0]


def test_changing_one_instance_leaves_the_class_and_other_instances_alone():
    first, second = _Form(), _Form()
    first.fields["name"].widget.attrs["class"] = "is-invalid"
    first.fields["name"].error_messages["required"] = "x"
    first.fields["kind"].choices = [("c", "C")]
    assert second.fields["name"].widget.attrs == {"class": "a", "maxlength": "20"}
    assert _Form.base_fields["name"].widget.attrs == {"class": "a", "maxlength": "20"}
    assert second.fields["name"].error_messages["required"] != "x"
    assert list(second.fields["kind"].choices) == [("a", "A"), ("b", "B")]


def test_the_agreement_forms_copy_quickly_and_mark_errors_on_their_own_fields():
    assert isinstance(GoalForm.base_fields, QuickCopyFields)
    assert isinstance(MilestoneForm.base_fields, QuickCopyFields)
    bound = GoalForm({"goal-1-title": ""}, prefix="goal-1", workplace_id=1)
    assert not bound.is_valid()
    assert "is-invalid" in bound.fields["title"].widget.attrs["class"]
    fresh = GoalForm(prefix="goal-1", workplace_id=1)
    assert "is-invalid" not in fresh.fields["title"].widget.attrs["class"]
    assert "is-invalid" not in GoalForm.base_fields["title"].widget.attrs.get("class", "")


def test_copy_field_records_the_copy_in_the_memo():
    field = forms.CharField()
    memo: dict = {}
    result = copy_field(field, memo)
    assert memo[id(field)] is result and memo[id(field.widget)] is result.widget
