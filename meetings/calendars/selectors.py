"""Reads of the calendars room: the private feed a token opens, a person's feed events,
their reminder choices."""

from __future__ import annotations

import hashlib

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.crypto import salted_hmac

from samspil.compiled import CompiledQueries, CompiledQuery, StandIns, id_sets, stand_in_sets

from ..models import Meeting, Participant
from .models import CalendarFeed, ReminderOptOut


def visible_meeting(user, pk: int) -> Meeting | None:
    """The meeting, with what its .ics names (host, organiser), if `user` may see it: the
    permission check (meetings.view_meeting's rule, `meetings_visible_to`) and the meeting
    in one query. None for a meeting that is not there or not theirs to see."""
    from ..selectors import meetings_visible_to

    meetings = meetings_visible_to(user, Meeting.objects.filter(pk=pk)).select_related("host", "organiser")
    return next(iter(meetings.order_by()[:1]), None)


# meeting_ics_key's query per shape of the reader's roles (samspil/compiled.py): the
# database vendor and the reader's roles with the sizes of their id sets.
_KEY_QUERIES = CompiledQueries()


def meeting_ics_key(user, pk: int) -> tuple | None:
    """What a meeting's cached .ics is keyed by (meetings/calendars/views.py), if `user`
    may see the meeting, in one query: (uid, visit_slot_id, the .ics data version
    (calendars/freshness.py), whether the reader is one of its politicians). None for a
    meeting that is not there or not theirs to see, and on a database without the version.

    The permission check is meetings_visible_to's own rule (meetings/selectors.py,
    `visible_rule`), compiled by the ORM once per shape of the reader's roles with stand-in
    ids (samspil/compiled.py): building and compiling that queryset cost more than running it."""
    from ..selectors import roles_of, visible_rule
    from . import freshness

    version = freshness.version_expression(connection.vendor)
    if version is None or not user.is_authenticated:
        return None
    roles = roles_of(user)
    shape, real = id_sets(roles)
    key = (connection.vendor, shape)

    def compile_read() -> CompiledQuery:
        stand_ins = StandIns()
        meeting, person = stand_ins.id("pk"), stand_ins.id("person")
        meetings = Meeting.objects.filter(pk=meeting)
        if not roles.is_leadership:
            meetings = meetings.filter(visible_rule(person, stand_in_sets(roles, stand_ins)))
        meetings = meetings.annotate(
            ics_version=version,
            ics_politician=Exists(
                Participant.objects.filter(
                    meeting=OuterRef("pk"), person_id=person, role=Participant.MeetingRole.POLITICIAN
                ).order_by()
            ),
        ).order_by()
        return CompiledQuery(
            meetings.values_list("uid", "visit_slot_id", "ics_version", "ics_politician")[:1], stand_ins
        )

    rows = _KEY_QUERIES.get(key, compile_read).rows({"pk": pk, "person": user.pk, **real})
    if not rows:
        return None
    uid, visit_slot_id, ics_version, politician = rows[0]
    return str(uid), visit_slot_id, ics_version, bool(politician)


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
