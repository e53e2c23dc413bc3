from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ImportJob, Workplace


class WorkplaceProfileForm(forms.ModelForm):
    """What a workplace leader keeps up to date; structure (kind, centre, committees)
    is master data that administrators own."""

    class Meta:
        model = Workplace
        fields = ["description", "address", "postcode", "city", "email", "phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma or semicolon separated, UTF-8) or XLSX, with a header row."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Choose a CSV or XLSX file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload
