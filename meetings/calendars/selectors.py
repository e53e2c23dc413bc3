"""Reads of the calendars room: the private feed a token opens, a person's feed events,
their reminder choices."""

from __future__ import annotations

import dataclasses
import hashlib

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.crypto import salted_hmac

from ..models import Meeting, Participant
from .models import CalendarFeed, ReminderOptOut


def visible_meeting(user, pk: int) -> Meeting | None:
    """The meeting, with what its .ics names (host, organiser), if `user` may see it: the
    permission check (meetings.view_meeting's rule, `meetings_visible_to`) and the meeting
    in one query. None for a meeting that is not there or not theirs to see."""
    from ..selectors import meetings_visible_to

    meetings = meetings_visible_to(user, Meeting.objects.filter(pk=pk)).select_related("host", "organiser")
    return next(iter(meetings.order_by()[:1]), None)


# meeting_ics_key's SQL per shape of the reader's roles: (sql, its parameters with a
# _Slot for each of the reader's and the meeting's ids). Bounded: a shape is the database
# vendor, leadership or not, and the sizes of three role sets.
_KEY_SQL: dict[tuple, tuple[str, tuple]] = {}
_KEY_SQL_LIMIT = 256
# Ids no row has: what the compiled query is built with, found again in its parameters.
_STAND_IN = -(10**15)


@dataclasses.dataclass(frozen=True)
class _Slot:
    """A parameter of a compiled query to fill with the meeting's id ("pk"), the
    reader's ("person") or the index'th id of one of the reader's role sets."""

    name: str
    index: int = 0


def meeting_ics_key(user, pk: int) -> tuple | None:
    """What a meeting's cached .ics is keyed by (meetings/calendars/views.py), if `user`
    may see the meeting, in one query: (uid, visit_slot_id, the .ics data version
    (calendars/freshness.py), whether the reader is one of its politicians). None for a
    meeting that is not there or not theirs to see, and on a database without the version.

    The permission check is meetings_visible_to's own rule (meetings/selectors.py,
    `visible_rule`), compiled by the ORM once per shape of the reader's roles (leadership
    or not, the sizes of the role sets: the SQL depends on nothing else) with stand-in
    ids, which are replaced by the real ones in the parameters here: building and
    compiling that queryset cost more than running it."""
    from ..selectors import roles_of, visible_rule
    from . import freshness

    version = freshness.version_expression(connection.vendor)
    if version is None or not user.is_authenticated:
        return None
    roles = roles_of(user)
    real = {
        "committee_ids": sorted(roles.committee_ids),
        "staff_workplace_ids": sorted(roles.staff_workplace_ids),
        "headed_centre_ids": sorted(roles.headed_centre_ids),
    }
    shape = (connection.vendor, roles.is_leadership, *(len(ids) for ids in real.values()))
    compiled = _KEY_SQL.get(shape)
    if compiled is None:
        slots = {_STAND_IN: _Slot("pk"), _STAND_IN + 1: _Slot("person")}
        fake_sets = {}
        for name, ids in real.items():
            fake_sets[name] = frozenset(range(_STAND_IN + len(slots), _STAND_IN + len(slots) + len(ids)))
            for index, stand_in in enumerate(sorted(fake_sets[name])):
                slots[stand_in] = _Slot(name, index)
        meetings = Meeting.objects.filter(pk=_STAND_IN)
        if not roles.is_leadership:
            meetings = meetings.filter(visible_rule(_STAND_IN + 1, dataclasses.replace(roles, **fake_sets)))
        meetings = meetings.annotate(
            ics_version=version,
            ics_politician=Exists(
                Participant.objects.filter(
                    meeting=OuterRef("pk"), person_id=_STAND_IN + 1, role=Participant.MeetingRole.POLITICIAN
                ).order_by()
            ),
        ).order_by()
        query = meetings.values_list("uid", "visit_slot_id", "ics_version", "ics_politician")[:1].query
        sql, params = query.sql_with_params()
        template = tuple(
            slots.get(param, param) if isinstance(param, int) and not isinstance(param, bool) else param
            for param in params
        )
        compiled = sql, template
        if len(_KEY_SQL) < _KEY_SQL_LIMIT:
            _KEY_SQL[shape] = compiled
    sql, template = compiled
    fill = {"pk": [pk], "person": [user.pk], **real}
    values = [fill[param.name][param.index] if isinstance(param, _Slot) else param for param in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    return str(row[0]), row[1], row[2], bool(row[3])


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
