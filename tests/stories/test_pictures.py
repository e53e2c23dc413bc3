"""Pictures: only real JPEG/PNG/WebP, not too large, re-encoded without metadata."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from stories.models import Story, StoryPicture
from tests.stories.helpers import make_story, png_bytes, story_form_data

pytestmark = pytest.mark.django_db


def post_with_file(client, upload, *, alt="Et billede", title="Min gode historie"):
    return client.post(
        reverse("stories:create"),
        story_form_data(
            title=title,
            summary="Et resumé jeg ikke vil skrive igen",
            **{"pictures-TOTAL_FORMS": "1", "pictures-0-image": upload, "pictures-0-alt_text": alt},
        ),
    )


def picture_errors(response) -> list[str]:
    return response.context["pictures"].forms[0].errors.get("image", [])


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("notes.txt", b"just some text", "text/plain"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
            "image/svg+xml",
        ),
        ("half.png", png_bytes()[:60], "image/png"),
    ],
    ids=["text", "html-renamed-png", "svg", "truncated-png"],
)
def test_a_file_that_is_not_a_picture_gets_a_field_message_and_the_text_is_kept(
    org, client_for, name, content, content_type
):
    response = post_with_file(client_for(org.employee), SimpleUploadedFile(name, content, content_type=content_type))
    assert response.status_code == 400
    errors = picture_errors(response)
    assert errors == ["Filen er ikke et billede, vi kan bruge. Vælg et JPEG-, PNG- eller WebP-billede."]
    html = response.content.decode()
    assert "Min gode historie" in html and "Et resumé jeg ikke vil skrive igen" in html
    assert 'value="Et billede"' in html
    assert not Story.objects.exists()


def test_a_picture_too_large_in_bytes_is_refused_with_its_size(org, client_for, settings):
    settings.STORIES_PICTURE_MAX_BYTES = 10_000
    noisy = Image.effect_noise((200, 200), 100).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert len(out.getvalue()) > 10_000
    response = post_with_file(client_for(org.employee), SimpleUploadedFile("big.png", out.getvalue(), "image/png"))
    assert response.status_code == 400
    assert picture_errors(response)[0].startswith("Billedet fylder ")
    assert "grænsen er 9,8\xa0KB" in picture_errors(response)[0]
    assert "Min gode historie" in response.content.decode()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(org, client_for):
    # 7,000 × 6,000 = 42 megapixels of one colour: a small file, a huge picture.
    out = io.BytesIO()
    Image.new("1", (7000, 6000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    response = post_with_file(client_for(org.employee), SimpleUploadedFile("bomb.png", out.getvalue(), "image/png"))
    assert picture_errors(response) == ["Billedet er på 42,0 megapixel; grænsen er 40. Vælg et mindre billede."]
    assert not StoryPicture.objects.exists()


def test_a_picture_without_a_description_is_refused(org, client_for):
    response = post_with_file(client_for(org.employee), SimpleUploadedFile("a.png", png_bytes(), "image/png"), alt="")
    assert response.context["pictures"].forms[0].errors["alt_text"]
    assert not Story.objects.exists()


def test_a_picture_is_re_encoded_resized_and_stripped_of_location(org, client_for):
    image = Image.new("RGB", (3000, 2000), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 0.0), 3: "E", 4: (12.0, 34.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    assert b"SecretCam" in out.getvalue()
    post_with_file(client_for(org.employee), SimpleUploadedFile("gps.jpg", out.getvalue(), "image/jpeg"))

    picture = StoryPicture.objects.get()
    with default_storage.open(picture.image.name, "rb") as handle:
        stored = handle.read()
    assert b"SecretCam" not in stored and b"secret comment" not in stored
    with Image.open(io.BytesIO(stored)) as result:
        assert result.format == "JPEG"
        assert result.width == 1600 and (picture.width, picture.height) == (1600, 1067)
        assert not result.getexif() and "exif" not in result.info
    assert picture.image.name.endswith(".jpg") and "gps" not in picture.image.name


def test_webp_and_transparent_png_are_accepted_as_jpeg(org, client_for):
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 128)).save(out, format="WEBP")
    post_with_file(client_for(org.employee), SimpleUploadedFile("a.webp", out.getvalue(), "image/webp"))
    picture = StoryPicture.objects.get()
    with default_storage.open(picture.image.name, "rb") as handle, Image.open(handle) as result:
        assert result.format == "JPEG" and result.mode == "RGB"


def test_pictures_are_served_only_to_those_who_may_read_the_story(org, client_for):
    internal = make_story(org.workplace, org.employee, picture=True).pictures.get()
    public = make_story(org.workplace, org.employee, picture=True, visibility="public").pictures.get()
    waiting = make_story(org.workplace, org.employee, picture=True, status="submitted").pictures.get()
    anonymous = client_for(None)
    url = lambda p: reverse("stories:picture", args=[p.pk])  # noqa: E731
    response = anonymous.get(url(public))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public")
    assert anonymous.get(url(internal)).status_code == 404
    member = client_for(org.member)
    assert member.get(url(internal))["Cache-Control"].startswith("private")
    assert member.get(url(waiting)).status_code == 404
    assert client_for(org.leader).get(url(waiting)).status_code == 200


def test_the_leader_deletes_a_picture_and_its_file_goes(org, client_for, django_capture_on_commit_callbacks):
    story = make_story(org.workplace, org.employee, status="submitted", picture=True)
    picture = story.pictures.get()
    assert default_storage.exists(picture.image.name)
    data = story_form_data(
        title=story.title,
        summary=story.summary,
        body=story.body,
        **{
            "pictures-TOTAL_FORMS": "1",
            "pictures-INITIAL_FORMS": "1",
            "pictures-0-id": str(picture.pk),
            "pictures-0-alt_text": picture.alt_text,
            "pictures-0-DELETE": "on",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org.leader).post(reverse("stories:edit", args=[story.pk]), data)
    assert response.status_code == 302
    assert not StoryPicture.objects.exists()
    assert not default_storage.exists(picture.image.name)


def test_saving_a_story_keeps_its_pictures_as_they_are(org, client_for):
    story = make_story(org.workplace, org.employee, status="submitted", picture=True)
    picture = story.pictures.get()
    data = story_form_data(
        title="Ny titel",
        summary=story.summary,
        body=story.body,
        **{
            "pictures-TOTAL_FORMS": "1",
            "pictures-INITIAL_FORMS": "1",
            "pictures-0-id": str(picture.pk),
            "pictures-0-alt_text": "Ny beskrivelse",
        },
    )
    assert client_for(org.leader).post(reverse("stories:edit", args=[story.pk]), data).status_code == 302
    kept = StoryPicture.objects.get()
    assert kept.image.name == picture.image.name and kept.alt_text == "Ny beskrivelse"
