from __future__ import annotations

from typing import NamedTuple

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from organisation.models import WORKPLACE_ROLES, Centre, Membership, Role, Workplace, WorkplaceKind
from organisation.roles import roles_of

from .models import Case


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
        return f"{meeting.committee.name} – {when} – {meeting.title}"


class CaseForm(forms.ModelForm):
    meeting = MeetingChoiceField(label=_("Committee meeting"), queryset=Meeting.objects.none())
    kinds = forms.ModelMultipleChoiceField(
        label=_("All workplaces of a kind"),
        queryset=WorkplaceKind.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    centres = forms.ModelMultipleChoiceField(
        label=_("All workplaces of a centre"),
        queryset=Centre.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Case
        fields = [
            "meeting",
            "title",
            "summary",
            "kind",
            "workplaces",
            "contact_name",
            "contact_email",
            "esdh_number",
            "esdh_url",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "workplaces": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {"workplaces": _("Each workplace concerned is heard before the committee treats the case.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_of(user)
        meetings = Meeting.objects.active().upcoming().filter(committee__isnull=False).select_related("committee")
        if not roles.is_administrator:
            meetings = meetings.filter(committee_id__in=roles.secretary_committee_ids | roles.chaired_committee_ids)
        # A case is registered for a meeting within the coming year.
        horizon = timezone.now() + timezone.timedelta(days=366)
        self.fields["meeting"].queryset = meetings.filter(starts_at__lte=horizon).order_by("starts_at")
        self.fields["workplaces"].queryset = Workplace.objects.filter(is_active=True)
        self.fields["workplaces"].required = False

    def clean(self):
        data = super().clean()
        chosen = set(data.get("workplaces") or [])
        kinds, centres = data.get("kinds") or [], data.get("centres") or []
        if kinds or centres:
            chosen |= set(Workplace.objects.filter(is_active=True).filter(Q(kind__in=kinds) | Q(centre__in=centres)))
        data["all_workplaces"] = sorted(chosen, key=lambda w: w.name)
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The workplace's answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50000,
        strip=False,  # verbatim: the frozen text and its hash are exactly what was typed
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


INVITABLE_ROLES = WORKPLACE_ROLES - {Role.WORKPLACE_LEADER}


class WorkplacePerson(NamedTuple):
    pk: int
    label: str  # what the forms' choices show: str(user), the name or else the email
    invitable: bool  # a staff role other than the leader's


def workplace_people(workplace_id: int, rows: list[dict] | None = None) -> list[WorkplacePerson]:
    """The workplace's active people with a current role there, by name: the choices of
    both forms of the hearing page from one plain query of value rows (InviteForm and
    SpeakForm take them as `people`). The querysets of the forms took ≈1.5 ms to build.
    `rows`: the same rows read already (cases.selectors.hearing_page_rows), no query."""
    people: dict[int, WorkplacePerson] = {}
    if rows is not None:
        rows = [(row["id"], row["name"], row["email"], row["role"]) for row in rows]
    else:
        rows = (
            Membership.objects.current()
            .filter(workplace_id=workplace_id, person__is_active=True)
            .order_by("person__full_name", "person_id")
            .values_list("person_id", "person__full_name", "person__email", "role")
        )
    for pk, name, email, role in rows:
        invitable = role in INVITABLE_ROLES or (pk in people and people[pk].invitable)
        people[pk] = WorkplacePerson(pk, name or email, invitable)
    return list(people.values())


def _choose_from(field: forms.ModelChoiceField, people) -> None:
    # The choices the field's queryset would list, from rows already read, for a form that
    # is only shown; a posted form is built with its queryset, which checks the choice.
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *((ModelChoiceIteratorValue(p.pk, p), p.label) for p in people)]


class InviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Employees to invite"), queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, workplace_id: int, exclude=(), people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None and not self.is_bound:  # shown only: workplace_people(workplace_id)
            excluded = set(exclude)
            _choose_from(self.fields["people"], [p for p in people if p.invitable and p.pk not in excluded])
            return
        staff = Membership.objects.current().filter(workplace_id=workplace_id, role__in=INVITABLE_ROLES)
        self.fields["people"].queryset = (
            get_user_model()
            .objects.filter(pk__in=staff.values("person_id"), is_active=True)
            .exclude(pk__in=exclude)
            .order_by("full_name")
        )


class ContributionForm(forms.Form):
    text = forms.CharField(label=_("Your input"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class SpeakForm(forms.Form):
    presenter = forms.ModelChoiceField(
        label=_("Presenter from the workplace"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("The fagleder or an employee with an account: they get the invitation. Or write a name below."),
    )
    presenter_name = forms.CharField(label=_("Presenter's name"), max_length=200, required=False)
    presenter_title = forms.CharField(label=_("Presenter's title"), max_length=200)

    def __init__(self, *args, workplace_id: int, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None and not self.is_bound:  # shown only: workplace_people(workplace_id)
            _choose_from(self.fields["presenter"], people)
            return
        staff = Membership.objects.current().filter(workplace_id=workplace_id, role__in=sorted(Role.values))
        self.fields["presenter"].queryset = (
            get_user_model().objects.filter(pk__in=staff.values("person_id"), is_active=True).order_by("full_name")
        )

    def clean(self):
        data = super().clean()
        if not data.get("presenter") and not (data.get("presenter_name") or "").strip():
            self.add_error("presenter_name", _("Choose a presenter or write their name."))
        return data


class SpeakingDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (needed when declining)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.IntegerField(label=_("Speaking time (minutes)"), required=False, min_value=1, max_value=120)


class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DecisionForm(forms.Form):
    decision_text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    answers_used = forms.CharField(
        label=_("How the hearing answers were used"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text=_("Told to the heard workplaces with the decision."),
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Case.Status.choices],
        # The list's filter is written by hand (cases/_list_body.jinja), not by crispy: the
        # select takes Bootstrap's class itself, as the other lists' filters have it.
        widget=forms.Select(attrs={"class": "form-select"}),
    )
