"""Story builders for the stories tests and the access table."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from stories.images import clean_picture
from stories.models import Story, StoryPicture


def png_bytes(size=(64, 48), colour=(20, 120, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def make_story(
    workplace,
    author,
    *,
    status: str = Story.Status.PUBLISHED,
    visibility: str = Story.Visibility.INTERNAL,
    title: str = "Udeskole i skoven",
    summary: str = "Matematik mellem træerne.",
    body: str = "Vi målte **træer**.",
    published_at=None,
    picture: bool = False,
    **fields,
) -> Story:
    story = Story.objects.create(
        workplace=workplace,
        author=author,
        title=title,
        summary=summary,
        body=body,
        status=status,
        visibility=visibility,
        published_at=published_at or (timezone.now() if status == Story.Status.PUBLISHED else None),
        **fields,
    )
    if picture:
        clean = clean_picture(ContentFile(png_bytes(), name="x.png"))
        StoryPicture.objects.create(story=story, image=clean.content, alt_text="Grønne bakker og en sol")
    return story


def story_form_data(**overrides) -> dict:
    """A valid POST for the story form, with an empty picture formset."""
    data = {
        "title": "Koret vandt",
        "summary": "Skolekoret vandt DM.",
        "body": "Koret har øvet i et år.",
        "visibility": "internal",
        "shows_people": "no",
        "consent_given_by": "",
        "consent_date": "",
        "goal": "",
        "pictures-TOTAL_FORMS": "0",
        "pictures-INITIAL_FORMS": "0",
        "pictures-MIN_NUM_FORMS": "0",
        "pictures-MAX_NUM_FORMS": "6",
    }
    data.update(overrides)
    return data


def make_challenge(workplace, author, *, status: str = Story.Status.PUBLISHED, **fields) -> Story:
    fields.setdefault("title", "For få pædagoger om morgenen")
    fields.setdefault("summary", "Morgenerne er svære at dække.")
    fields.setdefault("body", "Fra 6.30 til 8 er vi to voksne til 40 børn.")
    fields.setdefault("tried", "Vi har flyttet mødetider.")
    fields.setdefault("would_help", "En fælles vikarpulje.")
    return make_story(workplace, author, status=status, kind=Story.Kind.CHALLENGE, **fields)


def challenge_form_data(**overrides) -> dict:
    data = {
        "title": "Morgenerne",
        "summary": "For få voksne om morgenen.",
        "body": "To voksne til 40 børn.",
        "tried": "Flyttet mødetider.",
        "would_help": "En vikarpulje.",
    }
    data.update(overrides)
    return data
