from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from organisation.models import Workplace
from samspil import bounds
from samspil.form_fields import quick_copy

from .drafting import GOAL_FIELDS
from .models import FollowUp, Goal, Milestone
from .selectors import PARTNER_MATCH_LIMIT, partner_matches, partner_workplaces


class BootstrapMixin:
    def full_clean(self):
        super().full_clean()
        # Mark the fields that failed, and tie each to its message for screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def _style(self) -> None:
        # Each field's id as BoundField.auto_id writes it, without building the bound
        # fields (the editor's cached fields never need most of them).
        auto_id = self.auto_id
        for name, field in self.fields.items():
            html_name = self.add_prefix(name)
            if auto_id and "%s" in str(auto_id):
                field_id = auto_id % html_name
            else:
                field_id = html_name if auto_id else ""
            field.widget.attrs.setdefault("aria-describedby", f"{field_id}-errors")
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                pass
            else:
                widget.attrs.setdefault("class", "form-control")


@quick_copy
class IntroductionForm(BootstrapMixin, forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=bounds.LONG_TEXT
    )
    introduction_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    @classmethod
    def for_agreement(cls, agreement) -> IntroductionForm:
        return cls(
            initial={"introduction": agreement.introduction, "introduction_version": agreement.introduction_version}
        )

    def mark_conflict(self, name: str, current) -> None:
        _mark_conflict(self, name, current)


def _mark_conflict(form: forms.Form, name: str, current) -> None:
    """Someone saved `name` since the writer's version: the page shows their text next to the
    field (`current`, a drafting.FieldState), and the form carries the new version, so the
    next save keeps the writer's text on purpose instead of by accident."""
    form[name].conflict = current
    form.data = form.data.copy()
    form.data[form.add_prefix(f"{name}_version")] = current.version


class PartnerIdsField(forms.Field):
    """Workplace ids from ticked checkboxes; the names are looked up in the form's `clean`.

    The page renders the chosen partners and search results itself (`_partner_field.html`):
    with 2,000 workplaces a `<select>` per goal made the editor 550 KB.
    """

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose the partner workplaces from the list.")) from None


@quick_copy
class GoalForm(BootstrapMixin, forms.Form):
    """One goal's text and its partner workplaces.

    Partners are ticked checkboxes; `partner_search` finds more. With JavaScript, htmx shows
    matches while you type (`views.partner_search`). Without it, the typed name is resolved
    when the form is saved: one match is added, none or several give a field error and the
    matches to tick. Every field has its own hidden version (`why_version`, …): the editor
    saves each field on its own (agreements/drafting.py).
    """

    kind = forms.ChoiceField(label=_("Kind"), choices=Goal.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Give the goal a title.")})
    why = forms.CharField(
        label=_("Why it matters for the core task"),
        required=False,
        max_length=bounds.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    success = forms.CharField(
        label=_("What success looks like"),
        required=False,
        max_length=bounds.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    indicator_name = forms.CharField(label=_("Indicator"), required=False, max_length=200)
    indicator_baseline = forms.CharField(label=_("Baseline"), required=False, max_length=60)
    indicator_target = forms.CharField(label=_("Target"), required=False, max_length=60)
    partners = PartnerIdsField(
        label=_("Partner workplaces"),
        required=False,
        help_text=_("For a cross-cutting goal: the workplaces you share it with. They see it on their side."),
    )
    partner_search = forms.CharField(
        label=_("Find a partner workplace"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Type part of the name and tick the workplace. Without JavaScript: type the name and save."),
    )
    # One version per field (drafting.GOAL_FIELDS): the version the writer started from.
    title_version = forms.IntegerField(widget=forms.HiddenInput)
    kind_version = forms.IntegerField(widget=forms.HiddenInput)
    why_version = forms.IntegerField(widget=forms.HiddenInput)
    success_version = forms.IntegerField(widget=forms.HiddenInput)
    indicator_name_version = forms.IntegerField(widget=forms.HiddenInput)
    indicator_baseline_version = forms.IntegerField(widget=forms.HiddenInput)
    indicator_target_version = forms.IntegerField(widget=forms.HiddenInput)
    partners_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        workplace_id: int,
        initial_partners: list[Workplace] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.workplace_id = workplace_id
        self._initial_partners = initial_partners
        self._chosen: list[Workplace] | None = None
        self.partner_suggestions: list[Workplace] = []
        self.more_suggestions = False
        self._style()

    def chosen_partners(self) -> list[Workplace]:
        """The ticked partners with their names: no query for an unbound form built from a
        goal (its partners are prefetched), one query otherwise."""
        if self._chosen is None:
            if not self.is_bound and self._initial_partners is not None:
                self._chosen = list(self._initial_partners)
            else:
                ids = self._raw_partner_ids()
                self._chosen = partner_workplaces(ids) if ids else []
        return self._chosen

    def _raw_partner_ids(self) -> list[int]:
        if not self.is_bound:
            return list(self.initial.get("partners") or [])
        values = self.fields["partners"].widget.value_from_datadict(self.data, self.files, self.add_prefix("partners"))
        return sorted({int(value) for value in values if str(value).isdigit()})

    def clean_partners(self):
        partners = self.cleaned_data["partners"]
        if not partners:
            return partners
        found = partner_workplaces(partners)
        self._chosen = found
        if len(found) != len(partners):
            raise forms.ValidationError(_("One of the chosen workplaces no longer exists: tick the partners again."))
        if self.workplace_id in partners:
            raise forms.ValidationError(_("A workplace cannot be its own partner: choose other workplaces."))
        return partners

    def clean_partner_search(self):
        text = self.cleaned_data["partner_search"].strip()
        if not text:
            return ""
        chosen = self.cleaned_data.get("partners") or []
        matches = partner_matches(text, exclude_ids={*chosen, self.workplace_id}, limit=PARTNER_MATCH_LIMIT + 1)
        exact = [w for w in matches if w.name.casefold() == text.casefold()]
        if len(exact) == 1 or len(matches) == 1:
            found = exact[0] if len(exact) == 1 else matches[0]
            if "partners" in self.cleaned_data:
                self.cleaned_data["partners"] = sorted({*chosen, found.pk})
                self._chosen = [*self.chosen_partners(), found]
            return ""
        self.partner_suggestions = matches[:PARTNER_MATCH_LIMIT]
        self.more_suggestions = len(matches) > PARTNER_MATCH_LIMIT
        if not matches:
            raise forms.ValidationError(
                _("No workplace is called “%(text)s”. Check the spelling or type part of the name.") % {"text": text}
            )
        raise forms.ValidationError(
            _("Several workplaces match “%(text)s”: tick the right one below, or type more of the name.")
            % {"text": text}
        )

    def clean(self):
        data = super().clean()
        if data.get("indicator_target") and not data.get("indicator_baseline"):
            self.add_error("indicator_baseline", _("Give the baseline the target is measured against."))
        return data

    def mark_conflict(self, name: str, current) -> None:
        _mark_conflict(self, name, current)

    @classmethod
    def initial_for(cls, goal: Goal, partners=None) -> dict:
        """`partners`: the goal's partner workplaces when the caller has read them."""
        texts = ("kind", "title", "why", "success", "indicator_name", "indicator_baseline", "indicator_target")
        return {
            **{name: getattr(goal, name) for name in texts},
            "partners": sorted(p.pk for p in (goal.partners.all() if partners is None else partners)),
            **{f"{name}_version": getattr(goal, f"{name}_version") for name in GOAL_FIELDS},
        }


@quick_copy
class NewGoalForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title of the new goal"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Goal.Kind.OWN, Goal.Kind.OWN.label), (Goal.Kind.CROSS_CUTTING, Goal.Kind.CROSS_CUTTING.label)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the goal a title.")
        self._style()


@quick_copy
class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["title"].error_messages["required"] = _("Name the milestone.")
        self._style()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if not self.template.period_start <= due_on <= self.template.period_end:
            raise forms.ValidationError(
                _("Choose a date inside the agreement's period (%(start)s – %(end)s).")
                % {
                    "start": date_format(self.template.period_start, "SHORT_DATE_FORMAT"),
                    "end": date_format(self.template.period_end, "SHORT_DATE_FORMAT"),
                }
            )
        return due_on


@quick_copy
class CommentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write a comment first.")
        self._style()


@quick_copy
class FollowUpForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *FollowUp.Status.choices], required=False)
    indicator_value = forms.CharField(label=_("Indicator value"), max_length=60, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=bounds.TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if not data.get("status") and (data.get("note") or data.get("indicator_value")):
            self.add_error("status", _("Choose a status for this goal."))
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class StepConfirmForm(forms.Form):
    """The confirmation an irreversible step needs: a box ticked on its confirmation page.
    A post without it (an old page, a script) is refused with the message at the box."""

    confirm_label = _("I confirm.")
    confirm_required = _("Tick the box to confirm.")

    confirm = forms.BooleanField(required=True)
    text_sha256 = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = self.confirm_label
        self.fields["confirm"].error_messages["required"] = self.confirm_required


class SendToDialogueForm(StepConfirmForm):
    confirm_label = _("The draft is ready: send it to dialogue and tell the people named above.")
    confirm_required = _("Tick the box to confirm that the draft goes to dialogue.")


class ApproveForm(StepConfirmForm):
    confirm_label = _("I approve this text for the committee. It is closed for changes while it is signed.")
    confirm_required = _("Tick the box to confirm the approval.")

    approve_anyway = forms.BooleanField(
        required=False, label=_("Approve anyway, although these comments have not been answered.")
    )


class SignForm(forms.Form):
    """The same explicit consent as signing the code of conduct (codex.forms.SignForm): the
    box is required here and again by the service (`agreement_sign(consent=…)`)."""

    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    consent = forms.BooleanField(
        label=_("I have read the agreement above and sign it."),
        error_messages={"required": _("Tick the box to confirm that you have read the agreement and sign it.")},
    )
