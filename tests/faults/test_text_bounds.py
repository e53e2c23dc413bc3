"""Issue 15, point 4: every text field people type has a length limit in the model (a
CHECK constraint in the database), in the form (maxlength, with a counter), and emails
carry only a summary of long text."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from meetings.models import Meeting
from samspil import bounds
from tests.meetings import helpers

# Text the software writes itself, not people: bounded by what it is made from.
DERIVED = {("codex", "CodeVersion", "canonical_text")}


def _text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in settings.SAMSPIL_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                yield model, field


TEXT_FIELDS = [
    (model, field)
    for model, field in _text_fields()
    if (model._meta.app_label, model.__name__, field.name) not in DERIVED
]


def test_every_text_field_people_type_has_a_limit_and_a_constraint():
    assert len(TEXT_FIELDS) >= 30
    for model, field in TEXT_FIELDS:
        assert field.max_length, f"{model.__name__}.{field.name} has no max_length"
        names = {constraint.name for constraint in model._meta.constraints}
        expected = f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_length"
        assert expected in names, f"{model.__name__}.{field.name}: no constraint {expected}"
        assert field.formfield().max_length == field.max_length


@pytest.mark.parametrize(
    ("model", "field"), TEXT_FIELDS, ids=lambda value: getattr(value, "__name__", getattr(value, "name", ""))
)
def test_the_database_holds_each_limit(model, field, postgres):
    """The constraint's SQL, evaluated by PostgreSQL, at the limit and one past it."""
    name = f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_length"
    constraint = next(c for c in model._meta.constraints if c.name == name)
    constraint.validate(model, model(**{field.attname: "x" * field.max_length}))
    with pytest.raises(ValidationError):
        constraint.validate(model, model(**{field.attname: "x" * (field.max_length + 1)}))


def test_a_service_cannot_get_past_the_limit_either(org, postgres):
    meeting = helpers.meeting(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(purpose="x" * (bounds.TEXT + 1))


def _meeting_form(org, purpose: str) -> dict:
    return {
        "kind": helpers.kind("dialogue").pk,
        "title": "Et møde",
        "date": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "start": "16:00",
        "end": "17:00",
        "committee": org.committee.pk,
        "host": org.workplace.pk,
        "purpose": purpose,
    }


def test_a_purpose_over_the_limit_is_refused_on_its_field_and_kept(org, client_for):
    purpose = "æ" * (bounds.TEXT + 1)
    response = client_for(org.chair).post("/moeder/ny/", _meeting_form(org, purpose))
    assert response.status_code == 400
    assert "højst have 4000 tegn" in response.context["form"].errors["purpose"][0]
    assert purpose in response.content.decode()
    assert not Meeting.objects.exists()


def test_long_fields_carry_maxlength_for_the_counter(org, client_for):
    html = client_for(org.chair).get("/moeder/ny/").content.decode()
    assert f'maxlength="{bounds.TEXT}"' in html
    assert "samspil.js" in html


def test_an_invitation_carries_a_summary_of_a_long_purpose(
    org, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    purpose = "Formål " * 570  # 3990 characters
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org.chair).post("/moeder/ny/", _meeting_form(org, purpose))
    assert response.status_code == 302
    invitations = [m for m in mailoutbox if m.attachments]
    assert invitations
    for message in invitations:
        assert purpose not in message.body
        assert "Hele teksten står på mødesiden" in message.body
        assert len(message.message().as_bytes()) < 12_000


def test_the_agreement_pdf_of_a_maximal_agreement_renders_in_bounded_time(org, client_for, record_property):
    """Every text of an agreement at its limit: the PDF is measured (README figure)."""
    from agreements.models import Goal
    from tests.agreements import helpers as agreement_helpers

    agreement = agreement_helpers.make_agreement(org, goals=5)
    agreement.introduction = "I" * bounds.LONG_TEXT
    agreement.save(update_fields=["introduction"])
    for goal in Goal.objects.filter(agreement=agreement):
        goal.why, goal.success = "W" * bounds.TEXT, "S" * bounds.TEXT
        goal.save(update_fields=["why", "success"])
    started = time.perf_counter()
    response = client_for(org.leader).get(f"/udviklingsaftaler/{agreement.pk}/pdf/")
    seconds = time.perf_counter() - started
    record_property("maximal_agreement_pdf_seconds", round(seconds, 2))
    print(f"maximal agreement PDF: {seconds:.2f} s")
    assert response.status_code == 200
    assert seconds < 10
