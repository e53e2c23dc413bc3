"""samspil/crispy_html.py writes what `{{ field|as_crispy_field }}` writes, character for
character, for the fields it covers, and declines every other field."""

from __future__ import annotations

import datetime as dt

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from coverage.forms import DashboardFilterForm
from samspil.crispy_html import field_html


class _Committee:
    def __init__(self, slug, name):
        self.slug, self.name = slug, name


def _dashboard_form(data):
    return DashboardFilterForm(
        data,
        terms=[],
        committees=[_Committee("born", "Børne- og Ungeudvalget"), _Committee("q", 'Tom\'s "udvalg" <b>')],
        centres=[_Committee("c", "Centre & co")],
        workplace_kinds=[],
        meeting_kinds=[],
    )


class _Other(forms.Form):
    plain = forms.ChoiceField(label='Tom\'s "valg" <b>', required=False, choices=[("a", "A & B")])
    required = forms.ChoiceField(label="Skal", choices=[("a", "A")])
    helped = forms.DateField(label="Dato", required=False, help_text="Hjælp")
    text = forms.CharField(label="Tekst", required=False)
    many = forms.MultipleChoiceField(label="Flere", required=False, choices=[("a", "A")])
    styled = forms.ChoiceField(
        label="Stil", required=False, choices=[("a", "A")], widget=forms.Select(attrs={"class": "x"})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"period": "custom", "date_from": "2026-01-01", "date_to": "2026-06-30", "committee": "q", "centre": "c"},
        {"period": "custom", "date_from": "2026-06-30", "date_to": "2026-01-01"},  # an error on date_to
        {"period": "nonsense", "committee": "unknown"},
    ],
)
def test_the_dashboard_filters_are_written_as_crispy_writes_them(data):
    written = 0
    for name in _dashboard_form(data).fields:
        ours = field_html(_dashboard_form(data)[name])
        crispy = as_crispy_field(_dashboard_form(data)[name])
        if ours is None:
            assert _dashboard_form(data)[name].errors  # only a field with an error is declined
        else:
            assert ours == crispy, name
            written += 1
    assert written >= 4


def test_a_label_is_escaped_as_crispy_escapes_it_and_other_fields_are_declined():
    assert field_html(_Other()["plain"]) == as_crispy_field(_Other()["plain"])
    for name in ("required", "helped", "text", "many", "styled"):
        assert field_html(_Other()[name]) is None, name


def test_a_date_field_bound_to_a_date_is_written_as_crispy_writes_it():
    form = _dashboard_form(None)
    form.initial = {"date_from": dt.date(2026, 3, 1)}
    ours = field_html(form["date_from"])
    form = _dashboard_form(None)
    form.initial = {"date_from": dt.date(2026, 3, 1)}
    assert ours == as_crispy_field(form["date_from"]) and 'value="2026-03-01"' in ours
