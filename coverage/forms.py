"""The dashboard's filters. Choices are built from lists the view already fetched, so
rendering and validating the form costs no extra queries."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

LAST_12_MONTHS = "12m"
CUSTOM = "custom"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    committee = forms.ChoiceField(label=_("Committee"), required=False)
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    workplace_kind = forms.ChoiceField(label=_("Kind of workplace"), required=False)
    meeting_kind = forms.ChoiceField(label=_("Kind of meeting"), required=False)

    def __init__(self, *args, terms, committees, centres, workplace_kinds, meeting_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["period"].choices = [
            (LAST_12_MONTHS, _("The last 12 months")),
            (CUSTOM, _("Dates chosen below")),
            *[(f"term-{term.pk}", _("Electoral term %(name)s") % {"name": term.name}) for term in terms],
        ]
        self.fields["committee"].choices = everything + [(c.slug, c.name) for c in committees]
        self.fields["centre"].choices = everything + [(c.slug, c.name) for c in centres]
        self.fields["workplace_kind"].choices = everything + [(k.slug, k.label) for k in workplace_kinds]
        self.fields["meeting_kind"].choices = everything + [(k.slug, k.label) for k in meeting_kinds]
        self.terms = {f"term-{term.pk}": term for term in terms}

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period") or LAST_12_MONTHS
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if period == CUSTOM:
            if not start:
                self.add_error("date_from", _("Choose the first day of the period."))
            if not end:
                self.add_error("date_to", _("Choose the last day of the period."))
        if start and end and end < start:
            self.add_error("date_to", _("The last day must be on or after the first day."))
        if start and end and (end - start) > dt.timedelta(days=366 * 10):
            self.add_error("date_to", _("Choose a period of at most ten years."))
        cleaned["period"] = period
        return cleaned

    def initial_value(self, name: str):
        """What the field shows: the submitted value, else the default."""
        return self.data.get(name, "") if self.is_bound else ""


class PlanForm(forms.Form):
    months = forms.IntegerField(label=_("Months ahead"), min_value=1, max_value=12, required=False, initial=6)
    per_month = forms.IntegerField(label=_("Contacts a month"), min_value=1, max_value=20, required=False, initial=2)
