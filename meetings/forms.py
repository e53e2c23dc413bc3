from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Committee, Workplace
from samspil import bounds, localtime
from samspil.errors import ServiceError, refusals

from .models import AgendaItem, Meeting, MeetingKind, MeetingSeries, Participant
from .permissions import COMMITTEE_KINDS, creatable_kinds


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def apply_service_errors(form: forms.Form, error: ServiceError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's refusal (samspil.errors) on the form's fields, so the message sits
    where the user typed and nothing typed is lost. `field_map` names the form field of a
    service's value where they differ (the service's `starts_at` is the form's `date`)."""
    field_map = field_map or {}
    for refusal in refusals(error):
        name = field_map.get(refusal.field, refusal.field) if refusal.field else None
        form.add_error(name if name in form.fields else None, refusal.message)


class TimeRangeMixin:
    """A date, a start and an end time, read as Copenhagen wall-clock time.

    Across daylight saving (samspil/localtime.py): a time the clocks skip is refused on
    its field with the valid time offered; a time that happens twice is read so that the
    length is what the clock face says (localtime.time_range), and `dst_notes` says which
    was used (the view shows them); start and end are compared in UTC, as the database
    compares them."""

    def clean(self):
        cleaned = super().clean()
        self.dst_notes: list[str] = []
        day, start, end = cleaned.get("date"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            try:
                starts_at, ends_at, self.dst_notes = localtime.time_range(day, start, day, end)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(name, messages)
                return cleaned
            cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
            if localtime.utc(ends_at) <= localtime.utc(starts_at):
                self.add_error("end", _("The end must be after the start."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea({"rows": 3}))


class MeetingForm(TimeRangeMixin, forms.ModelForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start = forms.TimeField(label=_("From"), widget=TimeInput)
    end = forms.TimeField(label=_("To"), widget=TimeInput)

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "committee",
            "host",
            "workplaces",
            "place",
            "purpose",
            "framing",
            "nothing_at_stake",
            "preparation_notes",
        ]
        widgets = {
            "purpose": forms.Textarea({"rows": 3}),
            "framing": forms.Textarea({"rows": 3}),
            "preparation_notes": forms.Textarea({"rows": 3}),
            "workplaces": forms.SelectMultiple({"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        kinds = creatable_kinds(user)
        if self.instance.pk:
            kinds = [k for k in kinds] or [self.instance.kind]
            if self.instance.kind not in kinds:
                kinds.append(self.instance.kind)
            local_start, local_end = (
                timezone.localtime(self.instance.starts_at),
                timezone.localtime(self.instance.ends_at),
            )
            self.initial.update({"date": local_start.date(), "start": local_start.time(), "end": local_end.time()})
            # A meeting keeps its kind: its agenda, invitations and coverage follow from it.
            self.fields["kind"].disabled = True
        self.fields["kind"].queryset = MeetingKind.objects.filter(pk__in=[k.pk for k in kinds])
        # Any committee may be named (a leader invites the committee responsible for the
        # workplace); clean() checks that the person may create this meeting.
        self.fields["committee"].queryset = Committee.objects.filter(is_active=True)
        self.fields["host"].queryset = Workplace.objects.filter(is_active=True)
        self.fields["workplaces"].queryset = Workplace.objects.filter(is_active=True)
        self.fields["workplaces"].required = False
        self.fields["place"].help_text = _("Leave empty to use the host workplace's address.")

    # What the create and update services take from the form (starts_at/ends_at come from clean()).
    SERVICE_FIELDS = (
        "title",
        "starts_at",
        "ends_at",
        "committee",
        "host",
        "workplaces",
        "place",
        "purpose",
        "framing",
        "nothing_at_stake",
        "preparation_notes",
    )

    def meeting_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "presenter_text", "duration_minutes", "is_presentation", "proposed_by"]


def agenda_formset(meeting: Meeting, data=None):
    FormSet = forms.inlineformset_factory(
        Meeting, AgendaItem, form=AgendaItemForm, extra=2, can_delete=True, can_order=True
    )
    formset = FormSet(data, instance=meeting, queryset=meeting.agenda_items.order_by("order", "pk"))
    people = Participant.objects.filter(meeting=meeting).values("person_id")
    from django.contrib.auth import get_user_model

    from accounts.privacy import erased_q

    presenters = get_user_model().objects.filter(pk__in=people).exclude(erased_q()).order_by("full_name")
    for form in formset.forms:
        form.fields["presenter"].queryset = presenters
        form.fields["title"].required = False
    return formset


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), max_length=bounds.MINUTES_TEXT, widget=forms.Textarea({"rows": 16}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (Participant.Response.YES, _("Yes, I come")),
            (Participant.Response.MAYBE, _("Maybe")),
            (Participant.Response.NO, _("No, I cannot come")),
        ]
    )


class ParticipantAddForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to invite"))
    role = forms.ChoiceField(label=_("Role in the meeting"), choices=Participant.MeetingRole.choices)

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"].strip().lower()
        person = get_user_model().objects.filter(email=email, is_active=True).first()
        if person is None:
            raise ValidationError(_("Nobody in Samspil has this email address."))
        self.cleaned_data["person"] = person
        return email


class SeriesForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=MeetingKind.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    host = forms.ModelChoiceField(
        label=_("Host workplace"), queryset=Workplace.objects.filter(is_active=True), required=False
    )
    place = forms.CharField(
        label=_("Place"), max_length=300, required=False, help_text=_("Leave empty to use the host's address.")
    )
    frequency = forms.ChoiceField(label=_("Repeats"), choices=MeetingSeries.Frequency.choices)
    week_of_month = forms.TypedChoiceField(
        label=_("Which week of the month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")), (-1, _("last"))],
    )
    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, choices=MeetingSeries.Weekday.choices)
    interval_weeks = forms.IntegerField(label=_("Every N weeks"), min_value=1, max_value=26, initial=2)
    time_of_day = forms.TimeField(label=_("Start time"), widget=TimeInput, initial=dt.time(9, 0))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=600, initial=120)
    starts_on = forms.DateField(label=_("First date"), widget=DateInput)
    ends_on = forms.DateField(label=_("Last date"), widget=DateInput)
    purpose = forms.CharField(
        label=_("Purpose"), required=False, max_length=bounds.TEXT, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = MeetingKind.objects.filter(slug__in=COMMITTEE_KINDS)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("frequency") == MeetingSeries.Frequency.MONTHLY_WEEKDAY and not cleaned.get("week_of_month"):
            self.add_error("week_of_month", _("Choose which week of the month."))
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The last date must be on or after the first date."))
        if cleaned.get("starts_on") and cleaned["starts_on"] < timezone.localdate():
            self.add_error("starts_on", _("The first date lies in the past."))
        kind = cleaned.get("kind")
        if kind and kind.slug == MeetingKind.COMMITTEE_AT_WORKPLACE and not cleaned.get("host"):
            self.add_error("host", _("Choose the workplace where the meeting is held."))
        self.dst_notes: list[str] = []
        if not self.errors:
            self._check_daylight_saving(cleaned)
        return cleaned

    def _check_daylight_saving(self, cleaned: dict) -> None:
        """Dates whose start time the clocks skip are left out of the series, visibly
        (samspil/localtime.py); a series left with no date at all is refused."""
        from .services import series_dates

        rule = MeetingSeries(
            frequency=cleaned["frequency"],
            weekday=cleaned["weekday"],
            week_of_month=cleaned.get("week_of_month"),
            interval_weeks=cleaned.get("interval_weeks") or 1,
            starts_on=cleaned["starts_on"],
            ends_on=cleaned["ends_on"],
        )
        planned = localtime.occurrences(
            series_dates(rule), cleaned["time_of_day"], length=dt.timedelta(minutes=cleaned["duration_minutes"])
        )
        if planned.skipped and not planned.times:
            self.add_error("time_of_day", localtime.skipped_message(planned.skipped[0], cleaned["time_of_day"]))
        self.dst_notes = planned.notes(cleaned["time_of_day"])


class AttendanceForm(forms.Form):
    """Who came: one choice per participant (present, absent, excused), and others present
    without an account, one a line."""

    others = forms.CharField(
        label=_("Others present (without an account)"),
        help_text=_("One a line, with what they came as, e.g. “Jens Holm, pedel”."),
        required=False,
        max_length=bounds.SHORT_TEXT,
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args, participants, others: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        self.fields["others"].initial = others
        for participant in participants:
            self.fields[f"p{participant.pk}"] = forms.ChoiceField(
                label=str(participant.person),
                choices=[
                    (Participant.Attendance.PRESENT, _("present")),
                    (Participant.Attendance.ABSENT, _("absent")),
                    (Participant.Attendance.EXCUSED, _("excused")),
                    (Participant.Attendance.UNKNOWN, _("not recorded")),
                ],
                widget=forms.RadioSelect,
                required=False,
                initial=participant.attendance or self.suggested(participant),
            )

    @staticmethod
    def suggested(participant) -> str:
        """Before anything is recorded: who said yes came, who said no sent apologies; the
        writer ticks the exceptions."""
        if participant.response == Participant.Response.YES:
            return Participant.Attendance.PRESENT
        if participant.response == Participant.Response.NO:
            return Participant.Attendance.EXCUSED
        return Participant.Attendance.UNKNOWN

    def rows(self):
        """(participant, bound field) for the template."""
        return [(participant, self[f"p{participant.pk}"]) for participant in self.participants]

    def marks(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(f"p{p.pk}") or "" for p in self.participants}


class ReadingForm(forms.Form):
    """Ask participants to read the draft by a deadline (Copenhagen wall-clock time)."""

    people = forms.TypedMultipleChoiceField(
        label=_("Who should read the draft"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    deadline_date = forms.DateField(label=_("Read by (date)"), widget=DateInput)
    deadline_time = forms.TimeField(label=_("Read by (time)"), widget=TimeInput, initial=dt.time(12, 0))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {p.person_id: p for p in candidates}
        self.fields["people"].choices = [(p.person_id, f"{p.person} ({p.get_role_display()})") for p in candidates]

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("deadline_date"), cleaned.get("deadline_time")
        if day and time:
            if localtime.is_skipped(day, time):
                self.add_error("deadline_time", localtime.skipped_message(day, time))
            else:
                cleaned["deadline"] = localtime.local_datetime(day, time, 0)
        return cleaned

    def chosen_people(self) -> list:
        return [self.candidates[pk].person for pk in self.cleaned_data["people"]]

    def deadline(self):
        return self.cleaned_data["deadline"]


class MinutesCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment or proposed correction"), max_length=bounds.SHORT_TEXT, widget=forms.Textarea({"rows": 3})
    )
