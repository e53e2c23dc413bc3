"""Who may see, create and change meetings, minutes and visit times.

Seeing a meeting: its participants, the members of its committee, the staff of the
host and participating workplaces, the centre head of the host's centre, and the
leadership (directors, administrators). The rule and the list selector
(`meetings_visible_to`) are one query, so a list never shows what the page refuses.

Creating: chairs create dialogue meetings, committee meetings at a workplace and
school development conversations for their committee; leaders publish visit times
for their workplace and create meetings hosted there; administrators do everything.

Minutes: drafts are for the organiser and participants; the staff and everyone else
who sees the meeting read the locked version.

Booking: current members (and chairs) of a committee responsible for the workplace.
"""

from __future__ import annotations

import rules
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.http import Http404

from organisation.models import Workplace
from organisation.permissions import (
    chairs_committee,
    is_administrator,
    is_politician,
    leads_workplace,
    of,
    sits_on_committee_of_workplace,
)
from organisation.roles import roles_of
from samspil.access import check_object_for_user, get_object_for_user
from samspil.compiled import CompiledQueries, CompiledQuery, StandIns, id_sets, stand_in_sets

from .models import AgendaItem, Booking, Meeting, MeetingKind, MinutesReadRequest, MinutesVersion, VisitSlot

COMMITTEE_KINDS = frozenset({MeetingKind.DIALOGUE, MeetingKind.COMMITTEE_AT_WORKPLACE, MeetingKind.SCHOOL_DEVELOPMENT})


def _cached(obj, key: str, compute):
    cache = obj.__dict__.setdefault("_perm_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@rules.predicate
def sees_meeting(user, meeting) -> bool:
    if meeting is None or not user.is_authenticated:
        return False
    if roles_of(user).is_leadership:
        return True
    from .selectors import meetings_visible_to

    # Read with the meeting when get_meeting_for_user(..., sees_in_query=True) asked.
    key = f"sees:{user.pk}"
    if (answer := meeting.__dict__.get(_sees_annotation(user))) is not None:
        meeting.__dict__.setdefault("_perm_cache", {}).setdefault(key, answer)
    return _cached(meeting, key, lambda: meetings_visible_to(user).filter(pk=meeting.pk).exists())


def _sees_annotation(user) -> str:
    return f"sees_meeting_{user.pk}"


@rules.predicate
def is_participant(user, meeting) -> bool:
    if meeting is None or not user.is_authenticated:
        return False
    return _cached(
        meeting,
        f"participant:{user.pk}",
        lambda: meeting.participants.filter(person=user).exists(),
    )


@rules.predicate
def asked_to_read(user, minutes) -> bool:
    """Asked to read these draft minutes (meetings/minutes.py); the meeting page fills the cache."""
    if minutes is None or minutes.pk is None or not user.is_authenticated:
        return False
    return _cached(
        minutes,
        f"asked:{user.pk}",
        lambda: MinutesReadRequest.objects.filter(minutes=minutes, person=user).exists(),
    )


@rules.predicate
def organises_meeting(user, meeting) -> bool:
    return meeting is not None and user.is_authenticated and meeting.organiser_id == user.pk


chairs_meeting_committee = of(chairs_committee, lambda meeting: meeting.committee, "chairs_meeting_committee")
leads_meeting_host = of(leads_workplace, lambda meeting: meeting.host, "leads_meeting_host")


leads_slot_workplace = of(leads_workplace, lambda slot: slot.workplace, "leads_slot_workplace")
may_book_slot = of(sits_on_committee_of_workplace, lambda slot: slot.workplace, "may_book_slot")


@rules.predicate
def owns_booking(user, booking) -> bool:
    return booking is not None and booking.member_id == user.pk


leads_booking_workplace = of(leads_workplace, lambda booking: booking.slot.workplace, "leads_booking_workplace")


@rules.predicate
def may_create_some_meeting(user) -> bool:
    roles = roles_of(user)
    return roles.is_administrator or bool(roles.chaired_committee_ids) or bool(roles.led_workplace_ids)


@rules.predicate
def minutes_are_locked(user, meeting) -> bool:
    minutes = getattr(meeting, "minutes", None) if meeting is not None else None
    return minutes is not None and minutes.is_locked


changes_meeting = is_administrator | organises_meeting | chairs_meeting_committee | leads_meeting_host
locks_minutes = is_administrator | organises_meeting | leads_meeting_host

rules.add_perm("meetings.view_meeting", sees_meeting)
rules.add_perm("meetings.change_meeting", changes_meeting)
rules.add_perm("meetings.add_meeting", may_create_some_meeting)
rules.add_perm("meetings.respond_meeting", is_participant)
# Draft minutes: organiser and participants; locked minutes: whoever sees the meeting.
writes_minutes = is_administrator | organises_meeting | is_participant | leads_meeting_host
rules.add_perm("meetings.view_draft_minutes", writes_minutes)
rules.add_perm("meetings.view_minutes", (sees_meeting & minutes_are_locked) | writes_minutes)
rules.add_perm("meetings.change_minutes", writes_minutes)
rules.add_perm("meetings.lock_minutes", locks_minutes)
rules.add_perm("meetings.view_visit_times", is_politician | is_administrator)
rules.add_perm("meetings.book_visitslot", may_book_slot)
rules.add_perm("meetings.manage_visit_times", is_administrator | leads_workplace)
rules.add_perm("meetings.change_visitslot", is_administrator | leads_slot_workplace)
rules.add_perm("meetings.view_visitslot", may_book_slot | is_administrator | leads_slot_workplace)
rules.add_perm("meetings.view_booking", is_administrator | owns_booking | leads_booking_workplace)
rules.add_perm("meetings.change_booking", is_administrator | owns_booking)
rules.add_perm("meetings.confirm_booking", is_administrator | leads_booking_workplace)


def creatable_kinds(user) -> list[MeetingKind]:
    roles = roles_of(user)
    # Most people may create nothing: they cost no query, nor a queryset built for nothing
    # (≈0.2 ms; my meetings asks on every view).
    if not (roles.is_administrator or roles.led_workplace_ids or roles.chaired_committee_ids):
        return []
    offered = MeetingKind.objects.filter(is_active=True)
    if roles.is_administrator or roles.led_workplace_ids:
        return list(offered)
    if roles.chaired_committee_ids:
        return [kind for kind in offered if kind.slug in COMMITTEE_KINDS]
    return []


# The meeting lookups' querysets without the reader's part, built once per process (the
# select_related and the ArraySubqueries cost more to build than to run); each lookup
# chains on a clone (.all()), as a view's class-level queryset is.
_MEETING_QUERYSETS: dict[tuple[bool, str], QuerySet] = {}


def _meeting_queryset(page: bool, vendor: str) -> QuerySet:
    key = (page, vendor)
    if key not in _MEETING_QUERYSETS:
        _MEETING_QUERYSETS[key] = _build_meeting_queryset(page, vendor)
    return _MEETING_QUERYSETS[key]


def _build_meeting_queryset(page: bool, vendor: str) -> QuerySet:
    meetings = Meeting.objects.select_related(
        "kind", "committee", "host", "host__centre", "organiser", "minutes", "minutes__locked_by"
    )
    # ArraySubquery is PostgreSQL's; elsewhere (SQLite, the laptop default) the page reads
    # the workplaces and the versions with their own queries (other_workplaces(), below).
    if page and vendor == "postgresql":
        meetings = meetings.annotate(
            other_workplaces=ArraySubquery(
                Meeting.workplaces.through.objects.filter(meeting_id=OuterRef("pk"))
                .order_by("workplace__name", "workplace_id")
                .values(json=JSONObject(id="workplace_id", name="workplace__name", slug="workplace__slug"))
            ),
            minutes_versions=ArraySubquery(
                MinutesVersion.objects.filter(minutes__meeting_id=OuterRef("pk"))
                .order_by("-number")
                .values(json=JSONObject(id="id", minutes_id="minutes_id", number="number", status="status"))
            ),
            agenda_rows=ArraySubquery(
                AgendaItem.objects.filter(meeting_id=OuterRef("pk"))
                .order_by("order", "pk")
                .values(
                    json=JSONObject(
                        **{name: name for name in _AGENDA_FIELDS},
                        presenter_email="presenter__email",
                        presenter_full_name="presenter__full_name",
                    )
                )
            ),
        )
    return meetings


def get_meeting_for_user(user, pk: int, *, write: bool = False, page: bool = False) -> Meeting:
    """`page`: what the meeting page needs besides is read in the meeting's own query (one
    round trip instead of four): the other workplaces (`other_workplaces`, see
    `other_workplaces()`), the agenda (`agenda_items()`), and whether the person may see
    the meeting, for whoever is not leadership (they see everything anyway)."""
    if page:
        return check_object_for_user(
            user,
            _page_meeting(user, pk),
            view_perm="meetings.view_meeting",
            change_perm="meetings.change_meeting",
            write=write,
        )
    return get_object_for_user(
        user,
        _meeting_queryset(page, connection.vendor).all(),
        view_perm="meetings.view_meeting",
        change_perm="meetings.change_meeting",
        write=write,
        pk=pk,
    )


# The meeting page's query per shape of the reader's roles (samspil/compiled.py): built
# and compiled it cost more Python than the round trip. A shape is the vendor, whether the
# reader is leadership, and the sizes of the role sets.
_PAGE_QUERIES = CompiledQueries()
# The rule's answer, renamed to _sees_annotation(user) once read.
_SEES = "sees_meeting_reader"


def _page_meeting(user, pk: int) -> Meeting:
    """_meeting_queryset(page=True)'s meeting, with whether `user` sees it (the rule of
    meetings_visible_to) read in the same query for whoever is not leadership; or 404."""
    from .selectors import visible_rule

    roles = roles_of(user)
    rule = user.is_authenticated and not roles.is_leadership
    shape, real = id_sets(roles) if rule else ((), {})
    key = (connection.vendor, rule, shape)

    def compile_read() -> CompiledQuery:
        stand_ins = StandIns()
        meetings = _meeting_queryset(True, connection.vendor).filter(pk=stand_ins.id("pk"))
        if rule:
            fake = stand_in_sets(roles, stand_ins)
            visible = Meeting.objects.filter(pk=OuterRef("pk")).filter(visible_rule(stand_ins.id("person"), fake))
            meetings = meetings.annotate(**{_SEES: Exists(visible)})
        return CompiledQuery(meetings.order_by(), stand_ins)

    found = _PAGE_QUERIES.get(key, compile_read).instances({"pk": pk, "person": user.pk, **real})
    if not found:
        raise Http404("No Meeting matches the given query.")
    meeting = found[0]
    if rule:
        meeting.__dict__[_sees_annotation(user)] = meeting.__dict__.pop(_SEES)
    return meeting


def other_workplaces(meeting: Meeting) -> list[Workplace]:
    """meeting.workplaces.all(), from the query of get_meeting_for_user(..., page=True)
    when it read them: instances with only id, name and slug."""
    rows = meeting.__dict__.get("other_workplaces")
    if rows is None:
        return list(meeting.workplaces.all())
    names = ["id", "name", "slug"]
    return [Workplace.from_db(None, names, [row[name] for name in names]) for row in rows]


_AGENDA_FIELDS = [
    "id",
    "meeting_id",
    "order",
    "title",
    "description",
    "presenter_id",
    "presenter_text",
    "duration_minutes",
    "is_presentation",
    "proposed_by",
]


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in order, each item with its presenter (id, email and name:
    what `presenter_name` reads), from the query of get_meeting_for_user(..., page=True)
    when it read them, else by their own query."""
    rows = meeting.__dict__.get("agenda_rows")
    if rows is None:
        return list(meeting.agenda_items.select_related("presenter").order_by("order", "pk"))
    from accounts.models import User

    items = []
    for row in rows:
        item = AgendaItem.from_db(None, _AGENDA_FIELDS, [row[name] for name in _AGENDA_FIELDS])
        if item.presenter_id is not None:
            item.presenter = User.from_db(
                None,
                ["id", "email", "full_name"],
                [item.presenter_id, row["presenter_email"], row["presenter_full_name"]],
            )
        items.append(item)
    return items


def minutes_versions(meeting: Meeting) -> list[MinutesVersion] | None:
    """The versions of the meeting's minutes, newest first, from the query of
    get_meeting_for_user(..., page=True): instances with only id, minutes, number and
    status (the page counts them). None when that query did not read them."""
    rows = meeting.__dict__.get("minutes_versions")
    if rows is None:
        return None
    names = ["id", "minutes_id", "number", "status"]
    return [MinutesVersion.from_db(None, names, [row[name] for name in names]) for row in rows]


def get_slot_for_user(user, pk: int, *, write: bool = False) -> VisitSlot:
    """Visit times are seen by those who may book them and by the workplace's leader."""
    return get_object_for_user(
        user,
        VisitSlot.objects.select_related("workplace"),
        view_perm="meetings.view_visitslot",
        change_perm="meetings.change_visitslot",
        write=write,
        pk=pk,
    )


def get_booking_for_user(user, pk: int, *, write: bool = False, confirm: bool = False) -> Booking:
    """`write`: the member's own changes (cancel, move); `confirm`: the leader's confirmation."""
    return get_object_for_user(
        user,
        Booking.objects.select_related("slot", "slot__workplace", "member"),
        view_perm="meetings.view_booking",
        change_perm="meetings.confirm_booking" if confirm else "meetings.change_booking",
        write=write or confirm,
        pk=pk,
    )
