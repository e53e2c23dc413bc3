"""Bounds on what people type (issue 15, point 4).

- Dates: every date and date-time form field (Samspil's own forms, model forms, query-
  string filters read through forms) accepts a window of ten years back and five ahead,
  with a message naming the window. Beyond it nothing sensible is planned, and the year
  9999 made "the same time every week" overflow (a 500) and sent invitations for it.
- Control characters: NUL and the other control characters (all but tab, line feed and
  carriage return) are refused with 400 in any query string or form field, by one
  middleware, before a view or the database sees them (PostgreSQL refuses NUL in text
  with an error, which was a 500).
- Invalid forms: a full page that re-renders a form with errors answers 400, not 200
  (`InvalidFormStatusMiddleware`), so every view does it, present and future.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PAST_YEARS = 10
FUTURE_YEARS = 5


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last date a form accepts."""
    today = today or timezone.localdate()
    return _shift_years(today, -PAST_YEARS), _shift_years(today, FUTURE_YEARS)


def validate_date_window(value: dt.date | dt.datetime) -> None:
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) and timezone.is_aware(value) else value
    if isinstance(day, dt.datetime):
        day = day.date()
    first, last = date_window()
    if not first <= day <= last:
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s (ten years back, five years ahead).")
            % {"first": date_format(first, "DATE_FORMAT"), "last": date_format(last, "DATE_FORMAT")},
            code="date_window",
        )


def install_date_window() -> None:
    """Every DateField and DateTimeField of django.forms checks the window.

    Patched on the classes' validate(), not added as a validator: many form classes
    create their fields when their module is imported, which may be before any
    AppConfig.ready(); a method is looked up when it runs."""
    for field_class in (forms.DateField, forms.DateTimeField):
        if getattr(field_class.validate, "_samspil_window", False):
            continue
        original = field_class.validate

        def validate(self, value, _original=original):
            _original(self, value)
            if value not in self.empty_values:
                validate_date_window(value)

        validate._samspil_window = True  # type: ignore[attr-defined]
        field_class.validate = validate


# --- Control characters ---------------------------------------------------------------------
# C0 controls except tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(values) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in vals) for key, vals in values
    )


class ControlCharacterMiddleware:
    """400 for NUL and other control characters in the path, the query string or the
    fields of a form (uploaded files are not read: their content is theirs)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            CONTROL_CHARACTERS.search(request.path)
            or has_control_characters(request.GET.lists())
            or (request.method == "POST" and has_control_characters(request.POST.lists()))
        ):
            # No context processors and no session: the answer must not depend on anything
            # the request could have upset.
            return HttpResponseBadRequest(loader.render_to_string("400.html"))
        return self.get_response(request)


# --- Invalid forms answer 400 ----------------------------------------------------------------
_form_errors: contextvars.ContextVar[bool | None] = contextvars.ContextVar("samspil_form_errors", default=None)


def install_form_error_flag() -> None:
    """A form that records an error marks the request (read by the middleware below)."""
    if getattr(forms.BaseForm.add_error, "_samspil_flag", False):
        return
    original = forms.BaseForm.add_error

    def add_error(self, field, error, _original=original):
        if _form_errors.get() is not None:
            _form_errors.set(True)
        return _original(self, field, error)

    add_error._samspil_flag = True  # type: ignore[attr-defined]
    forms.BaseForm.add_error = add_error


class InvalidFormStatusMiddleware:
    """A POST answered with a full HTML page (200) after a form of the request recorded
    an error is a refused form: its status becomes 400. Redirects, htmx fragments (htmx
    swaps only 2xx; those views choose their own status) and pages that already chose a
    status are left alone."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _form_errors.set(False)
        try:
            response = self.get_response(request)
            errors = _form_errors.get()
        finally:
            _form_errors.reset(token)
        if (
            errors
            and request.method == "POST"
            and response.status_code == 200
            and not request.headers.get("HX-Request")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response.status_code = 400
            response.reason_phrase = "Bad Request"
        return response


def summary(text: str, limit: int = 600) -> str:
    """The start of a long text for an email or a calendar event: emails carry a summary,
    the page the whole (one 1 MB purpose made 57 emails of 3.7 MB each)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Text lengths ----------------------------------------------------------------------------
# Limits for the text fields people type, in characters. Generous for what each field is
# for; without them one 1 MB meeting purpose sent 57 invitations of 3.7 MB each.
SHORT_TEXT = 2_000  # a reason, a comment, a note
TEXT = 4_000  # a description, a purpose, a goal's why
LONG_TEXT = 20_000  # an introduction, a preamble, a story
MINUTES_TEXT = 100_000  # minutes of a meeting


def text_length_constraints(**limits: int) -> list:
    """Database CHECK constraints holding each field to its `max_length` (Django does not
    enforce max_length on a TextField; the form does, and services must not get past it).
    Named per model through %(app_label)s/%(class)s."""
    from django.db import models
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThanOrEqual

    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit),
            name=f"%(app_label)s_%(class)s_{field}_length",
        )
        for field, limit in limits.items()
    ]
