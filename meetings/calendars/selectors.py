"""Reads of the calendars room: the private feed a token opens, a person's feed events,
their reminder choices."""

from __future__ import annotations

import hashlib

from django.utils.crypto import salted_hmac

from ..models import Meeting
from .models import CalendarFeed, ReminderOptOut


def visible_meeting(user, pk: int) -> Meeting | None:
    """The meeting, with what its .ics names (host, organiser), if `user` may see it: the
    permission check (meetings.view_meeting's rule, `meetings_visible_to`) and the meeting
    in one query. None for a meeting that is not there or not theirs to see."""
    from ..selectors import meetings_visible_to

    meetings = meetings_visible_to(user, Meeting.objects.filter(pk=pk)).select_related("host", "organiser")
    return next(iter(meetings.order_by()[:1]), None)


def feed_token(feed: CalendarFeed) -> str:
    return salted_hmac(
        "samspil.meetings.calendar-feed", f"{feed.person_id}:{feed.nonce}", algorithm="sha256"
    ).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a URL's token opens (one query), or None."""
    if not token or len(token) > 128:
        return None
    return CalendarFeed.objects.select_related("person").filter(token_hash=token_hash(token)).first()


def turned_off(person) -> set[str]:
    return set(ReminderOptOut.objects.filter(person=person).values_list("kind", flat=True))
