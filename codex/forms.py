from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from samspil import bounds

from .models import EVALUATION_QUESTIONS, CodePoint, CodeVersion, DilemmaCase


class VersionForm(forms.ModelForm):
    class Meta:
        model = CodeVersion
        fields = ["title", "audience", "preamble"]
        widgets = {"preamble": forms.Textarea(attrs={"rows": 6})}


PointFormSet = inlineformset_factory(
    CodeVersion,
    CodePoint,
    fields=["kind", "position", "title", "explanation"],
    widgets={"explanation": forms.Textarea(attrs={"rows": 2})},
    extra=2,
    can_delete=True,
)

DilemmaFormSet = inlineformset_factory(
    CodeVersion,
    DilemmaCase,
    fields=["position", "title", "situation", "discussion"],
    widgets={
        "situation": forms.Textarea(attrs={"rows": 3}),
        "discussion": forms.Textarea(attrs={"rows": 3}),
    },
    extra=1,
    can_delete=True,
)


class SignForm(forms.Form):
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    consent = forms.BooleanField(
        label=_("I have read the code of conduct above and will follow it."),
        error_messages={"required": _("Tick the box to confirm that you have read the code and will follow it.")},
    )


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class EvaluationForm(forms.Form):
    """One 1–5 question per duty/value and question kind, built from the version's points."""

    note = forms.CharField(
        label=_("What will we work on? (optional)"),
        required=False,
        max_length=bounds.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = []
        for point in points:
            for key, text in EVALUATION_QUESTIONS:
                name = f"q_{point.pk}_{key}"
                self.fields[name] = forms.ChoiceField(
                    label=text % {"title": point.title},
                    choices=SCORE_CHOICES,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose a score from 1 to 5.")},
                )
                self.questions.append((point, key, name))
        self.order_fields([name for _, _, name in self.questions] + ["note"])

    def scores(self) -> dict:
        return {(point.pk, key): int(self.cleaned_data[name]) for point, key, name in self.questions}
