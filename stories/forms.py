from __future__ import annotations

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Goal
from samspil import bounds

from .images import PictureRejected, clean_picture
from .models import Story, StoryPicture, Theme
from .services import MAX_PICTURES, PictureChange

YES_NO = [("no", _("No")), ("yes", _("Yes"))]


class StoryForm(forms.ModelForm):
    shows_people = forms.TypedChoiceField(
        label=_("Does a picture show children or residents?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
        help_text=_("Pictures of children or residents may only be public with a recorded consent."),
    )
    consent_date = forms.DateField(
        label=_("Consent given on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "summary",
            "body",
            "themes",
            "goal",
            "visibility",
            "shows_people",
            "consent_given_by",
            "consent_date",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "consent_given_by": _("For example the parents, the resident or a guardian."),
        }

    def __init__(self, *args, workplaces=None, goal_workplaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["shows_people"] = "yes" if self.instance.shows_people else "no"
        # The goals of the development agreements of the story's workplace (of the workplaces
        # the writer may choose between, when creating); the service checks the match.
        if "goal" in self.fields:
            field = self.fields["goal"]
            field.queryset = (
                Goal.objects.filter(agreement__workplace__in=goal_workplaces or [])
                .select_related("agreement__workplace", "agreement__template")
                .order_by("-agreement__template__period_start", "agreement__workplace__name", "order", "pk")
            )
            field.label_from_instance = lambda goal: (
                f"{goal.title} ({goal.agreement.template.period_label}, {goal.agreement.workplace.name})"
            )
            field.empty_label = _("No goal")
        if workplaces is not None:
            # Only when creating, and only if the person works in more than one place.
            self.fields["workplace"] = forms.ModelChoiceField(
                label=_("Workplace"), queryset=workplaces, empty_label=None
            )
            self.order_fields(["workplace", *self.Meta.fields])

    def values(self) -> dict:
        """The cleaned form as the plain values stories.services takes."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "themes": list(data.get("themes") or []),
            "goal": data.get("goal"),
            "visibility": data["visibility"],
            "shows_people": bool(data.get("shows_people")),
            "consent_given_by": data.get("consent_given_by") or "",
            "consent_date": data.get("consent_date"),
        }

    def clean_consent_date(self):
        value = self.cleaned_data.get("consent_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The consent date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("shows_people") and data.get("visibility") == Story.Visibility.PUBLIC:
            if not (data.get("consent_given_by") or "").strip():
                self.add_error(
                    "consent_given_by",
                    _("A picture shows children or residents: write who gave consent, or make the story internal."),
                )
            if not data.get("consent_date") and "consent_date" not in self.errors:
                self.add_error("consent_date", _("Write the date the consent was given."))
        return data


class ChallengeForm(forms.ModelForm):
    """A challenge: what is hard, what the workplace has tried, what would help. Internal
    to the committee, the centre and the workplace; no pictures (a challenge is about the
    service, and a picture would too easily show a person)."""

    class Meta:
        model = Story
        fields = ["title", "summary", "body", "tried", "would_help"]
        labels = {
            "title": _("Title"),
            "summary": _("In one or two sentences"),
            "body": _("What is hard?"),
            "tried": _("What have you tried?"),
            "would_help": _("What would help?"),
        }
        help_texts = {
            "summary": _("Shown in the committee's list of challenges."),
            "body": _("Describe the service, not persons: no names of citizens or colleagues."),
            "tried": _("What the workplace has already done about it."),
            "would_help": _("From the committee, the centre or others."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "tried": forms.Textarea(attrs={"rows": 4}),
            "would_help": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, workplaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["would_help"].required = True
        if workplaces is not None:
            self.fields["workplace"] = forms.ModelChoiceField(
                label=_("Workplace"), queryset=workplaces, empty_label=None
            )
            self.order_fields(["workplace", *self.Meta.fields])

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "tried": data.get("tried") or "",
            "would_help": data["would_help"],
        }


class ChallengeReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=bounds.SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your answer.")},
    )
    wants_visit = forms.BooleanField(label=_("We would like to hear more at a visit"), required=False)


class PictureForm(forms.ModelForm):
    image = forms.FileField(
        label=_("Picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, at most 8 MB. Location and other hidden data are removed."),
    )

    class Meta:
        model = StoryPicture
        fields = ["image", "alt_text"]
        error_messages = {"alt_text": {"required": _("Describe the picture for people who cannot see it.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].required = False

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            # Nothing new chosen: an existing picture keeps its file as it is.
            return self.instance.image if self.instance.pk else None
        try:
            picture = clean_picture(upload)
        except PictureRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return picture.content

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        has_image = bool(data.get("image")) or "image" in self.errors
        if has_image and not (data.get("alt_text") or "").strip():
            self.add_error("alt_text", _("Describe the picture for people who cannot see it."))
        if not has_image and (data.get("alt_text") or "").strip():
            self.add_error("image", _("Choose the picture this description belongs to."))
        return data


def picture_changes(formset) -> list[PictureChange]:
    """A validated picture formset as the plain values stories.services takes, in order."""
    changes = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        existing = form.instance.pk
        if not data and not existing:
            continue
        image = data.get("image")
        new_content = image if isinstance(image, ContentFile) else None  # clean_image's re-encoded upload
        changes.append(
            PictureChange(
                alt_text=data.get("alt_text") or "",
                content=new_content,
                picture_id=existing,
                delete=bool(data.get("DELETE")),
            )
        )
    return changes


def picture_formset(*, extra: int):
    return forms.inlineformset_factory(
        Story,
        StoryPicture,
        form=PictureForm,
        fields=["image", "alt_text"],
        extra=extra,
        max_num=MAX_PICTURES,
        validate_max=True,
        can_delete=True,
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the author change?"),
        max_length=bounds.SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell the author what to change.")},
    )


class PublishForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Story.Visibility.choices, widget=forms.RadioSelect
    )
