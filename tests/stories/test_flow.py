"""A story's way: submitted by an employee, published or sent back by the leader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from samspil.errors import ServiceError
from stories.models import Story, StoryEvent
from stories.services import StoryConflict, story_publish
from tests.stories.helpers import make_story, png_bytes, story_form_data

pytestmark = pytest.mark.django_db


def picture_upload(name="skov.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def with_picture(alt="Grønne bakker", **overrides):
    return story_form_data(
        **{
            "pictures-TOTAL_FORMS": "1",
            "pictures-0-image": picture_upload(),
            "pictures-0-alt_text": alt,
            **overrides,
        }
    )


def test_an_employee_submits_a_story_for_the_leader(org, client_for):
    response = client_for(org.employee).post(reverse("stories:create"), with_picture(publish="1"))
    story = Story.objects.get()
    assert response.status_code == 302
    # An employee's "publish" is ignored: the leader publishes.
    assert story.status == Story.Status.SUBMITTED
    assert story.workplace == org.workplace and story.author == org.employee
    assert story.pictures.get().alt_text == "Grønne bakker"
    assert list(story.events.values_list("action", "actor")) == [("submitted", org.employee.pk)]


def test_a_leader_publishes_directly(org, client_for):
    client_for(org.leader).post(reverse("stories:create"), story_form_data(publish="1", visibility="public"))
    story = Story.objects.get()
    assert story.status == Story.Status.PUBLISHED and story.visibility == "public"
    assert story.published_by == org.leader and story.published_at is not None
    assert [e.action for e in story.events.all()] == ["submitted", "published"]


def test_the_leader_publishes_a_submitted_story_as_public(org, client_for):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    response = client_for(org.leader).post(reverse("stories:publish", args=[story.pk]), {"visibility": "public"})
    story.refresh_from_db()
    assert response.status_code == 302
    assert story.is_public and story.published_by == org.leader
    event = story.events.get(action="published")
    assert event.actor == org.leader and event.visibility == "public"


def test_the_leader_sends_a_story_back_with_a_comment_and_the_author_resubmits(org, client_for):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    client_for(org.leader).post(reverse("stories:send_back", args=[story.pk]), {"comment": "Tilføj et billede"})
    story.refresh_from_db()
    assert story.status == Story.Status.RETURNED and story.return_comment == "Tilføj et billede"

    employee = client_for(org.employee)
    page = employee.get(reverse("stories:edit", args=[story.pk]))
    assert "Tilføj et billede" in page.content.decode()
    employee.post(reverse("stories:edit", args=[story.pk]), with_picture(title="Nu med billede"))
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED and story.title == "Nu med billede"
    assert [e.action for e in story.events.all()] == ["returned", "resubmitted"]


def test_sending_back_without_a_comment_says_what_is_missing(org, client_for):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    response = client_for(org.leader).post(reverse("stories:send_back", args=[story.pk]), {"comment": " "})
    assert response.status_code == 400
    assert "Fortæl forfatteren, hvad der skal ændres." in response.content.decode()
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_the_leader_unpublishes_and_archives_and_each_step_is_recorded(org, client_for):
    story = make_story(org.workplace, org.employee)
    leader = client_for(org.leader)
    leader.post(reverse("stories:unpublish", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == Story.Status.UNPUBLISHED
    # Unpublished: gone for readers.
    assert client_for(org.member).get(story.get_absolute_url()).status_code == 404
    leader.post(reverse("stories:archive", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == Story.Status.ARCHIVED
    assert [(e.action, e.actor_id) for e in story.events.all()] == [
        ("unpublished", org.leader.pk),
        ("archived", org.leader.pk),
    ]


def test_a_second_publish_of_the_same_story_is_a_conflict(org):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    story_publish(story=story, by=org.leader, visibility="internal")
    with pytest.raises(StoryConflict):
        story_publish(story=story, by=org.leader, visibility="internal")
    assert StoryEvent.objects.filter(story=story, action="published").count() == 1


def test_an_employee_cannot_publish_and_a_colleague_cannot_see_a_submitted_story(org, client_for):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED)
    assert (
        client_for(org.employee).post(reverse("stories:publish", args=[story.pk]), {"visibility": "public"}).status_code
        == 403
    )
    assert client_for(org.union_rep).get(story.get_absolute_url()).status_code == 404
    assert client_for(org.other_leader).get(story.get_absolute_url()).status_code == 404


def test_the_leader_sees_the_waiting_story_on_the_start_page_and_my_stories(org, client_for):
    make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED, title="Venter på lederen")
    leader = client_for(org.leader)
    home = leader.get(reverse("portal:home")).content.decode()
    assert reverse("stories:mine") in home and "1 historie venter" in home
    assert "Venter på lederen" in leader.get(reverse("stories:mine")).content.decode()


# --- Consent for pictures of children or residents -------------------------------------


def test_the_form_refuses_a_public_story_showing_children_without_consent(org, client_for):
    response = client_for(org.leader).post(
        reverse("stories:create"), story_form_data(publish="1", visibility="public", shows_people="yes")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "consent_given_by" in form.errors and "consent_date" in form.errors
    assert not Story.objects.exists()


def test_a_public_story_showing_children_is_published_with_a_recorded_consent(org, client_for):
    client_for(org.leader).post(
        reverse("stories:create"),
        story_form_data(
            publish="1",
            visibility="public",
            shows_people="yes",
            consent_given_by="Forældrene i 3.B",
            consent_date="2026-09-01",
        ),
    )
    story = Story.objects.get()
    assert story.is_public and story.has_consent and story.consent_recorded_by == org.leader


def test_the_model_refuses_public_without_consent(org):
    story = make_story(org.workplace, org.employee, shows_people=True)
    story.visibility = "public"
    with pytest.raises(ValidationError):
        story.full_clean()


def test_the_service_refuses_to_publish_publicly_without_consent(org):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED, shows_people=True)
    with pytest.raises(ServiceError) as refused:
        story_publish(story=story, by=org.leader, visibility="public")
    assert refused.value.field == "visibility"
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_the_publish_button_says_why_a_story_cannot_be_public(org, client_for):
    story = make_story(org.workplace, org.employee, status=Story.Status.SUBMITTED, shows_people=True)
    response = client_for(org.leader).post(reverse("stories:publish", args=[story.pk]), {"visibility": "public"})
    assert response.status_code == 400
    assert "registrér, hvem der gav samtykke" in response.content.decode()


def test_the_database_refuses_public_without_consent(org):
    story = make_story(org.workplace, org.employee, shows_people=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(visibility="public")
    Story.objects.filter(pk=story.pk).update(
        visibility="public", consent_given_by="Beboeren", consent_date=dt.date(2026, 1, 5)
    )
