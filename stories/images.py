"""Pictures are checked, re-encoded and stripped before they are stored.

Pillow opens and verifies the upload; only JPEG, PNG and WebP are accepted (an SVG or a
renamed HTML file is refused because Pillow does not open it as one of those). The size
in bytes and in pixels is checked before decoding, so a decompression bomb is refused
before it fills the memory. The stored file is a fresh JPEG, at most
STORIES_PICTURE_MAX_WIDTH wide, written without EXIF, GPS, ICC or XMP metadata.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


class PictureRejected(ValueError):
    """The upload is not a picture we store; the message is for the person who sent it."""


@dataclass(frozen=True)
class CleanPicture:
    content: ContentFile
    width: int
    height: int


def max_bytes() -> int:
    return getattr(settings, "STORIES_PICTURE_MAX_BYTES", 8 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "STORIES_PICTURE_MAX_PIXELS", 40_000_000)


def max_width() -> int:
    return getattr(settings, "STORIES_PICTURE_MAX_WIDTH", 1600)


def clean_picture(upload) -> CleanPicture:
    """Return a re-encoded copy of `upload`, or raise PictureRejected with a clear message."""
    # Imported here, not at the top: Pillow is needed only for an upload, and the story
    # form imports this module into every web worker (issue 19, worker memory).
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > max_bytes():
        raise PictureRejected(
            _("The picture is %(size)s; the limit is %(limit)s. Choose a smaller picture.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())}
        )
    not_a_picture = _("The file is not a picture we can use. Choose a JPEG, PNG or WebP picture.")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # Only the header is read so far: refuse formats and sizes before decoding.
            if probe.format not in ACCEPTED_FORMATS:
                raise PictureRejected(not_a_picture)
            width, height = probe.size
            if width * height > max_pixels():
                raise PictureRejected(
                    _("The picture is %(mp)s megapixels; the limit is %(limit)s. Choose a smaller picture.")
                    % {"mp": number_format(width * height / 1_000_000, 1), "limit": max_pixels() // 1_000_000}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            elif image.mode != "RGB":
                image = image.convert("RGB")
            if image.width > max_width():
                image.thumbnail((max_width(), max_width() * 10), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # A new image object written without exif=/icc_profile=: no metadata survives.
            clean = Image.new("RGB", image.size)
            clean.paste(image)
            clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    except PictureRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PictureRejected(not_a_picture) from exc
    return CleanPicture(
        content=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), width=clean.width, height=clean.height
    )
