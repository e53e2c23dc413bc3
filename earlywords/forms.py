from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TEXT_LIMIT, EarlyWord


class EarlyWordForm(forms.Form):
    workplace = forms.ModelChoiceField(label=_("Workplace"), queryset=None, empty_label=None)
    subject = forms.CharField(
        label=EarlyWord._meta.get_field("subject").verbose_name.capitalize(),
        max_length=200,
        help_text=_("For example “Complaint about the school bus may reach the local paper”."),
    )
    about = forms.CharField(
        label=_("What has happened"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "data-count": TEXT_LIMIT}),
        help_text=_("The matter, not the persons: no names, personal identification numbers or other details."),
    )
    action = forms.CharField(
        label=_("What the workplace is doing"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "data-count": TEXT_LIMIT}),
    )
    contact_name = forms.CharField(label=_("Who to call"), max_length=200)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40)

    def __init__(self, *args, workplaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
