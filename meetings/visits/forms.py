"""Forms of the visits room: publishing visit times, blocking periods, finding, booking and
moving a visit."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisation.models import Centre, Committee, WorkplaceKind
from organisation.roles import roles_of
from samspil import bounds, localtime
from samspil.crispy_html import field_html

from ..forms import DateInput, TimeInput, TimeRangeMixin


class VisitSlotForm(TimeRangeMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start = forms.TimeField(label=_("From"), widget=TimeInput)
    end = forms.TimeField(label=_("To"), widget=TimeInput)
    capacity = forms.IntegerField(
        label=_("Politicians"), min_value=1, max_value=50, initial=2, help_text=_("How many can come.")
    )
    min_notice_hours = forms.IntegerField(
        label=_("Minimum notice (hours)"),
        min_value=0,
        max_value=24 * 60,
        initial=48,
        help_text=_("Bookings close this many hours before the start."),
    )
    repeat_weeks = forms.IntegerField(
        label=_("Repeat weekly for"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("Number of weeks; 1 means just this once."),
    )
    note = forms.CharField(label=_("Note for visitors"), max_length=300, required=False)

    FIELD_MAP = {"starts_at": "start", "ends_at": "end"}

    def clean(self):
        cleaned = super().clean()
        weeks = cleaned.get("repeat_weeks") or 1
        if "starts_at" in cleaned and weeks > 1 and not self.errors:
            # The same wall-clock time every week; a week whose time the clocks skip gets
            # no visit time, and the person is told which (the service skips it too).
            days = [cleaned["date"] + dt.timedelta(weeks=week) for week in range(1, weeks)]
            repeats = localtime.occurrences(days, cleaned["start"], cleaned["end"])
            self.dst_notes += repeats.notes(cleaned["start"])
        return cleaned


class BlockedPeriodForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("To (included)"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("For example: summer holiday, exams."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The period must end on or after its first day."))
        return cleaned


def _filter_choices(user) -> tuple[list, list, list]:
    """(slug, name) of the committees (the person's, or all for an administrator),
    workplace kinds (in the active language) and centres to filter by, each by name: one
    query (UNION ALL) instead of three, written out rather than built by the ORM (building
    and compiling the three querysets cost more than the query)."""
    roles = roles_of(user)
    if roles.is_administrator:
        mine, params = "", []
    elif roles.committee_ids:
        mine, params = f" AND id IN ({', '.join(['%s'] * len(roles.committee_ids))})", sorted(roles.committee_ids)
    else:
        mine, params = " AND 1 = 0", []
    sql = (
        f"SELECT 0, slug, name, '' FROM {Committee._meta.db_table} WHERE is_active{mine}"  # noqa: S608  # nosec B608 (table names, placeholders)
        f" UNION ALL SELECT 1, slug, name, name_en FROM {WorkplaceKind._meta.db_table}"
        f" UNION ALL SELECT 2, slug, name, '' FROM {Centre._meta.db_table}"
        " ORDER BY 1, 3"
    )
    english = (get_language() or "da").startswith("en")
    found: tuple[list, list, list] = ([], [], [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for source, slug, name, name_en in cursor.fetchall():
            found[source].append((slug, name_en if english and name_en else name))
    return found


# VisitFilterForm's shown fields, and their markup by language, choices and values.
_CHOICE_FIELDS = ("committee", "kind", "centre")
_DATE_FIELDS = ("date_from", "date_to")
_FIELDS_HTML: dict[tuple, dict[str, SafeString]] = {}
_FIELDS_HTML_LIMIT = 256


class VisitFilterForm(forms.Form):
    committee = forms.ChoiceField(label=_("Committee"), required=False)
    kind = forms.ChoiceField(label=_("Kind of workplace"), required=False)
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    # One workplace's times, when a link asks for them (the coverage plan, a workplace page).
    workplace = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees, kinds, centres = _filter_choices(user)
        everything = [("", _("All"))]
        self.fields["committee"].choices = everything + committees
        self.fields["kind"].choices = everything + kinds
        self.fields["centre"].choices = everything + centres

    def crispy_fields(self) -> dict[str, SafeString]:
        """`{{ form.<name>|as_crispy_field }}` of each shown field, the plain ones written in
        Python (samspil/crispy_html.py: ≈ 0.5 ms a field through crispy's templates).

        Without errors, a field's markup depends only on the language (its label), its
        choices and its value: the same fields are written once per process for each such
        key (the choices are the reader's committees and the municipality's kinds and
        centres, so a handful per worker), not again on every request (≈ 1 ms of widgets)."""
        if self.errors:
            return self._crispy_fields()
        key = (
            get_language(),
            *(
                (tuple((value, str(label)) for value, label in self.fields[name].choices), self[name].value())
                for name in _CHOICE_FIELDS
            ),
            *(self[name].value() for name in _DATE_FIELDS),
        )
        fields = _FIELDS_HTML.get(key)
        if fields is None:
            fields = self._crispy_fields()
            if len(_FIELDS_HTML) >= _FIELDS_HTML_LIMIT:
                _FIELDS_HTML.clear()
            _FIELDS_HTML[key] = fields
        return fields

    def _crispy_fields(self) -> dict[str, SafeString]:
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return {
            name: field_html(self[name]) or as_crispy_field(self[name]) for name in (*_CHOICE_FIELDS, *_DATE_FIELDS)
        }

    def _bounded(self, name: str):
        # 9999-12-31 + one day overflowed into a 500 (issue 14, point 8).
        value = self.cleaned_data.get(name)
        if value is not None and not (dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31)):
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return value

    def clean_date_from(self):
        return self._bounded("date_from")

    def clean_date_to(self):
        return self._bounded("date_to")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned


class BookForm(forms.Form):
    # Carries the messages about the time itself (taken, too late, clashing).
    slot = forms.IntegerField(widget=forms.HiddenInput, required=False)
    purpose = forms.CharField(
        label=_("Purpose of the visit (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("What would you like to see or talk about? The leader reads it before the visit."),
    )


class MoveForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("New time"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [
            (slot.pk, f"{timezone.localtime(slot.starts_at):%d.%m.%Y %H:%M}–{timezone.localtime(slot.ends_at):%H:%M}")
            for slot in slots
        ]


class ProposeForm(forms.Form):
    """The leader's other time: one of the workplace's free times, or a new one."""

    slot = forms.TypedChoiceField(label=_("One of your free times"), coerce=int, required=False, empty_value=None)
    date = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    start = forms.TimeField(label=_("From"), widget=TimeInput, required=False)
    end = forms.TimeField(label=_("To"), widget=TimeInput, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=bounds.SHORT_TEXT,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("The politician reads it with your proposal."),
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", _("— a new time, below —"))] + [
            (slot.pk, f"{timezone.localtime(slot.starts_at):%d.%m.%Y %H:%M}–{timezone.localtime(slot.ends_at):%H:%M}")
            for slot in slots
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("slot"):
            return cleaned
        day, start, end = cleaned.get("date"), cleaned.get("start"), cleaned.get("end")
        if not (day and start and end):
            if not self.errors:
                self.add_error("slot", _("Choose one of your free times, or give a date with a start and an end."))
            return cleaned
        try:
            starts_at, ends_at, _notes = localtime.time_range(day, start, day, end)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
            return cleaned
        if localtime.utc(ends_at) <= localtime.utc(starts_at):
            self.add_error("end", _("The end must be after the start."))
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned
