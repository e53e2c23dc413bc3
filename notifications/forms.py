from __future__ import annotations

from django import forms

from .kinds import KINDS, Delivery


class PreferencesForm(forms.Form):
    """One choice of delivery per kind of notification."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in KINDS.items():
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.help,
                choices=Delivery.CHOICES,
                widget=forms.RadioSelect,
                initial=kind.default,
            )
