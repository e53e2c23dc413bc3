"""The built-in meeting kinds (also seeded by migration 0002).

`ensure_meeting_kinds()` puts them back where a database was emptied without its data
migrations (transactional tests, a hand-made database).
"""

from __future__ import annotations

BUILT_IN_KINDS = [
    ("dialogue", "Dialogmøde", "Dialogue meeting", 10),
    ("committee-at-workplace", "Udvalgsmøde på virksomhed", "Committee meeting at a workplace", 20),
    ("visit", "Virksomhedsbesøg", "Workplace visit", 30),
    ("school-development", "Skoleudviklingssamtale", "School development conversation", 40),
]


def ensure_meeting_kinds() -> None:
    from .models import MeetingKind

    for slug, name, name_en, order in BUILT_IN_KINDS:
        MeetingKind.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "order": order})


def kind(slug: str):
    from .models import MeetingKind

    found = MeetingKind.objects.filter(slug=slug).first()
    if found is None:
        ensure_meeting_kinds()
        found = MeetingKind.objects.get(slug=slug)
    return found
