"""The menu items and "what needs me next" steps that meetings brings to the portal."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisation.roles import RoleSet
from portal import navigation, startpage
from portal.startpage import NextStep, Part

navigation.register(_("Meetings"), "meetings:mine", order=20, icon="calendar-event")
navigation.register(
    _("Book a visit"),
    "meetings:visit_times",
    order=25,
    icon="calendar-plus",
    visible=lambda roles: roles.is_politician,
)


# The meeting steps' parts of the start page's one query (portal.startpage.Part): (kind,
# pk, text, position), each ordered and limited inside itself. What the ORM built before,
# written out: its Python cost several times the SQL's (portal/rawsql.py).
_BOOKED_SQL = """
SELECT 'booked' AS step_kind, b.id AS step_pk, w.slug AS step_text, 0 AS step_position
FROM meetings_booking b
JOIN meetings_visitslot s ON s.id = b.slot_id
JOIN organisation_workplace w ON w.id = s.workplace_id
WHERE s.workplace_id IN ({ids}) AND b.status = {booked} AND b.confirmed_at IS NULL AND s.starts_at > %s
"""
_PROPOSED_SQL = """
SELECT 'proposed' AS step_kind, b.id AS step_pk, w.name AS step_text,
       ROW_NUMBER() OVER (ORDER BY p.starts_at) AS step_position
FROM meetings_booking b
JOIN meetings_visitslot p ON p.id = b.proposed_slot_id
JOIN meetings_visitslot s ON s.id = b.slot_id
JOIN organisation_workplace w ON w.id = s.workplace_id
WHERE b.member_id = %s AND b.status = {proposed} AND p.starts_at > %s
ORDER BY p.starts_at LIMIT 3
"""
_MINUTES_SQL = """
SELECT 'minutes' AS step_kind, m.id AS step_pk, m.title AS step_text,
       ROW_NUMBER() OVER (ORDER BY m.starts_at DESC) AS step_position
FROM meetings_meeting m
LEFT JOIN meetings_minutes mi ON mi.meeting_id = m.id
WHERE m.organiser_id = %s AND m.ends_at < %s AND m.ends_at >= %s AND m.status <> {cancelled}
  AND (mi.id IS NULL OR mi.status IS NULL OR mi.status <> {locked})
ORDER BY m.starts_at DESC LIMIT 3
"""
_INVITATION_SQL = """
SELECT 'invitation' AS step_kind, p.meeting_id AS step_pk, m.title AS step_text,
       ROW_NUMBER() OVER (ORDER BY m.starts_at) AS step_position
FROM meetings_participant p
JOIN meetings_meeting m ON m.id = p.meeting_id
WHERE p.person_id = %s AND p.response = {unanswered} AND m.starts_at > %s AND m.status <> {cancelled}
ORDER BY m.starts_at LIMIT 3
"""


def _step_sql(sql: str, **lists: str) -> str:
    """A part's SQL with the statuses it reads written in as literals (portal.rawsql.literal:
    so PostgreSQL plans the statement once per connection, not every run)."""
    from portal.rawsql import literal

    from .models import Booking, Meeting, Minutes, Participant

    return sql.format(
        booked=literal(Booking.Status.BOOKED),
        proposed=literal(Booking.Status.PROPOSED),
        cancelled=literal(Meeting.Status.CANCELLED),
        locked=literal(Minutes.Status.LOCKED),
        unanswered=literal(Participant.Response.NONE),
        **lists,
    )


@startpage.register_parts
def meeting_steps(user, roles: RoleSet) -> list[Part]:
    """Leader: unconfirmed bookings. Member: another time proposed. Organiser: minutes
    missing. Everyone: unanswered invitations. Read in the start page's one query."""
    from portal.rawsql import db_datetime, in_list

    now = timezone.now()
    at_now = db_datetime(now)
    parts = []
    if roles.led_workplace_ids:
        placeholders, ids = in_list(roles.led_workplace_ids)
        parts.append(Part("booked", _step_sql(_BOOKED_SQL, ids=placeholders), [*ids, at_now], _booked))
    if roles.is_politician:
        # Another time proposed by a workplace: the member answers it (accept or decline).
        parts.append(Part("proposed", _step_sql(_PROPOSED_SQL), [user.pk, at_now], _proposed))
    a_year_ago = db_datetime(now - dt.timedelta(days=365))
    parts.append(Part("minutes", _step_sql(_MINUTES_SQL), [user.pk, at_now, a_year_ago], _minutes))
    parts.append(Part("invitation", _step_sql(_INVITATION_SQL), [user.pk, at_now], _invitations))
    return parts


def _booked(rows) -> list[NextStep]:
    slugs = [slug for _pk, slug in rows]
    return [
        NextStep(
            ngettext(
                "%(n)s booked visit waits for your confirmation.",
                "%(n)s booked visits wait for your confirmation.",
                slugs.count(slug),
            )
            % {"n": slugs.count(slug)},
            reverse("meetings:workplace_visit_times", args=[slug]),
            10,
            "calendar-check",
        )
        for slug in sorted(set(slugs))
    ]


def _proposed(rows) -> list[NextStep]:
    return [
        NextStep(
            _("%(workplace)s proposes another time for your visit: accept or decline it.") % {"workplace": workplace},
            reverse("meetings:booking_proposal", args=[pk]),
            10,
            "calendar2-week",
        )
        for pk, workplace in rows
    ]


def _minutes(rows) -> list[NextStep]:
    return [
        NextStep(
            _("Write and lock the minutes of “%(title)s”.") % {"title": title},
            reverse("meetings:minutes_edit", args=[pk]),
            20,
            "journal-text",
        )
        for pk, title in rows
    ]


def _invitations(rows) -> list[NextStep]:
    return [
        NextStep(
            _("Answer the invitation to “%(title)s”.") % {"title": title},
            reverse("meetings:meeting", args=[pk]),
            15,
            "envelope-open",
        )
        for pk, title in rows
    ]
