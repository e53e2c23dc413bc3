"""Forms of the calendars room."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from . import reminders


class ReminderPreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Email me these reminders"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Invitations, changes and cancellations always come: they are part of the meeting, not reminders."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind.key, kind.label) for kind in reminders.all_kinds()]
