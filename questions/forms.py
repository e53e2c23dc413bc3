from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TEXT_LIMIT


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AskForm(forms.Form):
    committee = forms.TypedChoiceField(label=_("Asked as a member of"), coerce=int)
    workplaces = forms.TypedMultipleChoiceField(
        label=_("Workplaces"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One workplace, or several to compare how they do it."),
    )
    text = forms.CharField(
        label=_("Your question, in your own words"),
        max_length=TEXT_LIMIT,
        strip=False,  # kept exactly as written
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("It reaches the workplace exactly as you write it."),
    )
    deadline = forms.DateField(label=_("Answer by"), widget=DateInput())
    not_about_a_person = forms.BooleanField(
        label=_("The question is about the service, not about a named citizen or employee."),
        required=True,
        error_messages={"required": _("Confirm that the question is not about a named citizen or employee.")},
    )

    def __init__(self, *args, committees, workplaces_by_committee: dict[int, list], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c.pk, c.name) for c in committees]
        if len(committees) == 1:
            self.fields["committee"].widget = forms.HiddenInput()
            self.initial.setdefault("committee", committees[0].pk)
        choices = []
        for committee in committees:
            for workplace in workplaces_by_committee.get(committee.pk, []):
                label = f"{workplace.name} ({workplace.kind.label})"
                if len(committees) > 1:
                    label = f"{committee.short_name or committee.name}: {label}"
                choices.append((workplace.pk, label))
        self.fields["workplaces"].choices = choices
        self.initial.setdefault("deadline", timezone.localdate() + dt.timedelta(days=14))


class HandOverForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Colleague"), coerce=int)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            (p.pk, f"{p.full_name}" + (f", {p.job_title}" if p.job_title else "")) for p in colleagues
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=TEXT_LIMIT, strip=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Why the workplace needs longer"), max_length=500)
