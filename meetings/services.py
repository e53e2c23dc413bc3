"""Writes of the meetings room: meetings, agenda, participants, minutes and series, and
the log of what happened (`log`), which the other rooms' emails follow.

Each service owns its transaction. Visit times and bookings are the visits room's
(meetings/visits/services.py); calendar feeds and reminder choices the calendars room's
(meetings/calendars/services.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisation.models import Membership, Role
from samspil import localtime
from samspil.errors import Conflict, ServiceError, ServiceErrors

from .models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingLogEntry,
    MeetingSeries,
    Minutes,
    MinutesVersion,
    Participant,
)
from .workflows import MEETING, MINUTES

# Changing one of these changes the calendar event: SEQUENCE goes up.
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "status", "title", "host")


# What the other rooms do when something happens, registered by MeetingsConfig.ready(): the
# visits room's booking emails (only for entries logged with notify=True) and the calendars
# room's invitations (every entry). The meetings room imports neither room's code.
_NOTIFIERS: list[Callable[[MeetingLogEntry], object]] = []
_LISTENERS: list[Callable[[MeetingLogEntry], object]] = []


def on_log(listener: Callable[[MeetingLogEntry], object], *, notify_only: bool = False) -> None:
    """Call `listener(entry)` inside the service's transaction for each entry logged (with
    `notify_only`, only for entries logged with notify=True)."""
    listeners = _NOTIFIERS if notify_only else _LISTENERS
    if listener not in listeners:
        listeners.append(listener)


def log(*, action: str, actor=None, meeting=None, booking=None, slot=None, notify: bool = False, **detail):
    entry = MeetingLogEntry.objects.create(
        action=action, actor=actor, meeting=meeting, booking=booking, slot=slot, detail=detail
    )
    for listener in [*(_NOTIFIERS if notify else ()), *_LISTENERS]:
        listener(entry)  # outbox rows: booking emails first, then calendar invitations
    return entry


def _local(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- Meetings ----------------------------------------------------------------------------


def default_participants(*, kind: MeetingKind, committee=None, host=None, workplaces: Iterable = ()) -> list[tuple]:
    """Who a new meeting invites: the committee's current politicians and the leaders
    of the host and participating workplaces."""
    people: list[tuple] = []
    if committee is not None:
        for m in Membership.objects.current().filter(committee=committee).select_related("person"):
            people.append((m.person, Participant.MeetingRole.POLITICIAN))
    workplace_ids = [w.pk for w in workplaces]
    if host is not None:
        workplace_ids.insert(0, host.pk)
    if workplace_ids:
        leaders = Membership.objects.current().filter(workplace_id__in=workplace_ids, role=Role.WORKPLACE_LEADER)
        for m in leaders.select_related("person"):
            role = (
                Participant.MeetingRole.HOST
                if host is not None and m.workplace_id == host.pk
                else (Participant.MeetingRole.GUEST)
            )
            people.append((m.person, role))
    return people


def check_meeting(
    *,
    actor,
    kind: MeetingKind,
    committee,
    host,
    workplaces: Iterable,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    meeting: Meeting | None = None,
) -> None:
    """What a person may plan: the one check for creating and for editing a meeting.

    The kind must be one the person may create; the host a workplace they lead (or, for a
    chair, one their committee is responsible for); the committee one they chair or one
    responsible for the host they lead; every participating workplace within the same
    reach; and the start not in the past (an edit may keep the start it already has).
    Administrators may plan anything, but not in the past. Raises ServiceErrors with
    every refusal on its field, so nothing typed is lost and a meeting edited into another
    centre, committee or month cannot make coverage count a dialogue that never was.
    """
    from organisation.roles import roles_of

    from .permissions import COMMITTEE_KINDS, creatable_kinds

    errors: list[ServiceError] = []
    workplaces = list(workplaces)
    if ends_at <= starts_at:
        errors.append(ServiceError(_("The meeting must end after it starts."), field="ends_at"))
    if kind.slug in (MeetingKind.DIALOGUE, MeetingKind.COMMITTEE_AT_WORKPLACE) and committee is None:
        errors.append(ServiceError(_("Choose the committee that holds the meeting."), field="committee"))
    hosted = (MeetingKind.COMMITTEE_AT_WORKPLACE, MeetingKind.VISIT, MeetingKind.SCHOOL_DEVELOPMENT)
    if kind.slug in hosted and host is None:
        errors.append(ServiceError(_("Choose the workplace where the meeting is held."), field="host"))
    moved = meeting is None or starts_at != meeting.starts_at
    if moved and starts_at < timezone.now():
        errors.append(ServiceError(_("The meeting lies in the past. Choose a time from now on."), field="starts_at"))
    roles = roles_of(actor)
    if not roles.is_administrator:
        # An edit may keep a kind that is no longer offered for new meetings.
        kept = meeting is not None and kind.pk == meeting.kind_id
        kind_allowed = kept or kind.pk in {k.pk for k in creatable_kinds(actor)}
        led = roles.led_workplace_ids
        chairs = committee is not None and kind.slug in COMMITTEE_KINDS and committee.pk in roles.chaired_committee_ids
        leads_host = host is not None and host.pk in led
        committee_ok = committee is None or chairs or (leads_host and host.committees.filter(pk=committee.pk).exists())
        # The workplaces the committee is responsible for are within reach of its chair,
        # and of a leader who plans with that committee at their own workplace.
        committee_reach = (
            set(committee.workplaces.values_list("pk", flat=True)) if committee is not None and committee_ok else set()
        )
        if not kind_allowed or (host is None and not chairs):
            errors.append(
                ServiceError(
                    _("You may create this kind of meeting only for a committee you chair or a workplace you lead."),
                    field="kind",
                )
            )
        elif host is not None and not leads_host and host.pk not in committee_reach:
            errors.append(
                ServiceError(_("Choose a workplace you lead or one your committee is responsible for."), field="host")
            )
        if not committee_ok:
            errors.append(
                ServiceError(
                    _("Choose a committee you chair or one responsible for the workplace you lead."), field="committee"
                )
            )
        outside = [w for w in workplaces if w.pk not in led and w.pk not in committee_reach]
        if outside:
            errors.append(
                ServiceError(
                    _(
                        "Outside your reach: %(names)s. Invite workplaces you lead or that the committee is responsible for."
                    )
                    % {"names": ", ".join(sorted(w.name for w in outside))},
                    field="workplaces",
                )
            )
    if errors:
        raise ServiceErrors(errors)


def meeting_create(
    *,
    kind: MeetingKind,
    title: str,
    organiser,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    committee=None,
    host=None,
    workplaces: Iterable = (),
    place: str = "",
    purpose: str = "",
    framing: str = "",
    nothing_at_stake: bool = False,
    preparation_notes: str = "",
    series: MeetingSeries | None = None,
    invite_defaults: bool = True,
    agenda: Iterable[dict] = (),
    actor=None,
) -> Meeting:
    """Create a meeting. Given `actor` (a person planning through the pages), what they
    may plan is checked first (`check_meeting`); the demo and the series builder pass none."""
    workplaces = list(workplaces)
    if actor is not None:
        check_meeting(
            actor=actor,
            kind=kind,
            committee=committee,
            host=host,
            workplaces=workplaces,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    if localtime.utc(ends_at) <= localtime.utc(starts_at):  # UTC, as the database compares
        raise ServiceError(_("The meeting must end after it starts."), field="ends_at")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            title=title,
            organiser=organiser,
            starts_at=starts_at,
            ends_at=ends_at,
            committee=committee,
            host=host,
            place=place,
            purpose=purpose,
            framing=framing,
            nothing_at_stake=nothing_at_stake,
            preparation_notes=preparation_notes,
            series=series,
        )
        if workplaces:
            meeting.workplaces.set(workplaces)
        people = {organiser.pk: (organiser, Participant.MeetingRole.ORGANISER)} if organiser else {}
        if invite_defaults:
            for person, role in default_participants(kind=kind, committee=committee, host=host, workplaces=workplaces):
                people.setdefault(person.pk, (person, role))
        now = timezone.now()
        Participant.objects.bulk_create(
            [
                Participant(
                    meeting=meeting,
                    person=person,
                    role=role,
                    response=Participant.Response.YES if person == organiser else Participant.Response.NONE,
                    responded_at=now if person == organiser else None,
                )
                for person, role in people.values()
            ]
        )
        if kind.slug == MeetingKind.COMMITTEE_AT_WORKPLACE and host is not None and not agenda:
            # The host presents the place: every committee meeting at a workplace starts so.
            agenda = [{"title": _("The workplace presents itself (presentation and tour)"), "is_presentation": True}]
        if kind.slug == MeetingKind.SCHOOL_DEVELOPMENT and host is not None and not agenda:
            agenda = school_development_agenda(host=host, before=starts_at)
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, order=index, **item) for index, item in enumerate(agenda, start=1)]
        )
        log(action="meeting.created", actor=organiser, meeting=meeting)
    return meeting


def school_development_agenda(*, host, before: dt.datetime) -> list[dict]:
    """The school development conversation: last year's conclusions carry over, the
    leader proposes topics first, then the committee adds its own."""
    previous = (
        Minutes.objects.filter(
            meeting__host=host,
            meeting__kind__slug=MeetingKind.SCHOOL_DEVELOPMENT,
            meeting__starts_at__lt=before,
            status=Minutes.Status.LOCKED,
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    agenda = []
    if previous is not None:
        agenda.append(
            {
                "title": _("Follow-up on the conclusions of %(date)s")
                % {"date": date_format(timezone.localtime(previous.meeting.starts_at), "SHORT_DATE_FORMAT")},
                "description": previous.text,
                "proposed_by": AgendaItem.ProposedBy.ORGANISER,
            }
        )
    agenda.append({"title": _("The school's topics"), "proposed_by": AgendaItem.ProposedBy.WORKPLACE})
    agenda.append({"title": _("The committee's topics"), "proposed_by": AgendaItem.ProposedBy.COMMITTEE})
    agenda.append({"title": _("Conclusions and follow-up"), "proposed_by": AgendaItem.ProposedBy.ORGANISER})
    return agenda


def meeting_update(*, meeting: Meeting, actor, **changes) -> Meeting:
    """Change a meeting; a change of time, place, title or status raises SEQUENCE.

    The changed meeting passes the same check as a new one (`check_meeting`) for the
    person who changes it."""
    workplaces = changes.pop("workplaces", None)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("kind").get(pk=meeting.pk)
        if locked.status not in MEETING.sources_allowing("edit"):
            raise ServiceError(_("A cancelled meeting cannot be changed."))
        after = {
            name: changes.get(name, getattr(locked, name)) for name in ("committee", "host", "starts_at", "ends_at")
        }
        check_meeting(
            actor=actor,
            kind=locked.kind,
            workplaces=list(locked.workplaces.all()) if workplaces is None else workplaces,
            meeting=locked,
            **after,
        )
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if locked.visit_slot_id and {"starts_at", "ends_at"} & set(changed):
            # A booked visit follows its visit time; the politician moves the booking.
            raise ServiceError(_("A booked visit keeps its visit time: move the booking instead."), field="starts_at")
        if locked.visit_slot_id and "host" in changed:
            raise ServiceError(_("A booked visit is held at the workplace that offered the visit time."), field="host")
        for name, value in changes.items():
            setattr(locked, name, value)
        if localtime.utc(locked.ends_at) <= localtime.utc(locked.starts_at):
            raise ServiceError(_("The meeting must end after it starts."), field="ends_at")
        if any(name in CALENDAR_FIELDS for name in changed):
            locked.sequence = F("sequence") + 1
        locked.save()
        if workplaces is not None:
            locked.workplaces.set(workplaces)
        if changed:
            log(action="meeting.changed", actor=actor, meeting=locked, fields=changed)
    locked.refresh_from_db()
    return locked


def _set_status(*, meeting: Meeting, actor, action: str, **extra) -> Meeting:
    """Take a step of the meeting's table (meetings/workflows.py); the calendar event's
    SEQUENCE goes up with it."""
    with transaction.atomic():
        try:
            MEETING.apply(meeting, action, actor, sequence=F("sequence") + 1, updated_at=timezone.now(), **extra)
        except Conflict as error:
            current = error.current or meeting
            raise Conflict(
                _("The meeting is already %(status)s.") % {"status": current.get_status_display()}, current=current
            ) from error
        except ServiceError as error:
            if error.code != "not_available":
                raise
            raise ServiceError(
                _("The meeting is already %(status)s.") % {"status": meeting.get_status_display()},
                code="not_available",
            ) from error
        meeting.refresh_from_db()
        log(action=f"meeting.{meeting.status}", actor=actor, meeting=meeting, **{k: str(v) for k, v in extra.items()})
    return meeting


def meeting_cancel(*, meeting: Meeting, actor, reason: str) -> Meeting:
    if not reason.strip():
        raise ServiceError(_("Say why the meeting is cancelled; the participants are told."), field="reason")
    return _set_status(
        meeting=meeting,
        actor=actor,
        action="cancel",
        cancel_reason=reason.strip(),
        cancelled_at=timezone.now(),
    )


def meeting_confirm(*, meeting: Meeting, actor) -> Meeting:
    return _set_status(meeting=meeting, actor=actor, action="confirm")


def meeting_mark_held(*, meeting: Meeting, actor) -> Meeting:
    """Held needs a started meeting (the table's condition on "hold")."""
    return _set_status(meeting=meeting, actor=actor, action="hold", held_at=timezone.now())


def participant_respond(*, meeting: Meeting, person, response: str) -> Participant:
    if response not in {Participant.Response.YES, Participant.Response.NO, Participant.Response.MAYBE}:
        raise ServiceError(_("Answer yes, no or maybe."), field="response")
    updated = Participant.objects.filter(meeting=meeting, person=person).update(
        response=response, responded_at=timezone.now()
    )
    if not updated:
        raise ServiceError(_("You are not invited to this meeting."))
    return Participant.objects.get(meeting=meeting, person=person)


def participant_add(*, meeting: Meeting, person, role: str, actor) -> Participant:
    participant, created = Participant.objects.get_or_create(meeting=meeting, person=person, defaults={"role": role})
    if created:
        log(action="participant.added", actor=actor, meeting=meeting, person=person.pk)
    return participant


AGENDA_FIELDS = ("title", "presenter", "presenter_text", "duration_minutes", "is_presentation", "proposed_by")


def agenda_save(*, meeting: Meeting, items: list[dict], delete_ids: Iterable[int]) -> None:
    """The agenda as plain rows in their new order (`id` None for a new item); the items in
    `delete_ids` go. Rows naming another meeting's item are ignored."""
    with transaction.atomic():
        existing = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
        for pk in delete_ids:
            if pk in existing:
                existing.pop(pk).delete()
        for index, row in enumerate(items, start=1):
            if row.get("id") and row["id"] not in existing:
                continue
            item = existing.get(row.get("id")) or AgendaItem(meeting=meeting)
            for name in AGENDA_FIELDS:
                if name in row:
                    setattr(item, name, row[name])
            item.order = index
            item.save()


# --- Minutes -----------------------------------------------------------------------------


class MinutesConflict(Conflict):
    """Someone else saved the minutes since this editor loaded them; `current` is the
    minutes as they were saved."""


def minutes_save(*, meeting: Meeting, author, text: str, based_on_version: int) -> Minutes:
    """Save the minutes as a new version: the first save is the draft, later ones amend it.

    `based_on_version` is the version the editor loaded; the conditional update makes a
    second editor's stale save fail instead of silently overwriting the first.
    """
    with transaction.atomic():
        minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
        if minutes.is_locked:
            raise ServiceError(_("The minutes are locked and can no longer change."), field="text")
        status = Minutes.Status.DRAFT if based_on_version == 0 else Minutes.Status.AMENDED
        updated = Minutes.objects.filter(
            pk=minutes.pk, version=based_on_version, status__in=MINUTES.sources_allowing("write", "amend")
        ).update(text=text, status=status, version=F("version") + 1, updated_at=timezone.now())
        if not updated:
            raise MinutesConflict(
                _("Someone else saved the minutes while you wrote. Your text is kept here; compare and save again."),
                current=Minutes.objects.get(pk=minutes.pk),
                field="text",
            )
        minutes.refresh_from_db()
        MinutesVersion.objects.create(minutes=minutes, number=minutes.version, status=status, text=text, author=author)
    return minutes


def minutes_lock(*, meeting: Meeting, actor, early: bool = False) -> Minutes:
    """Lock the minutes. Before the reading deadline, while some of those asked have not
    read, raises meetings.minutes.ReadingOpen (naming them) unless `early`."""
    from .minutes import check_reading

    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None or minutes.version == 0:
            raise ServiceError(_("Write the minutes before you lock them."))
        if minutes.status not in MINUTES.sources_allowing("lock"):
            raise ServiceError(_("The minutes are already locked."))
        MINUTES.check(minutes, "lock", actor)
        check_reading(minutes, early=early)
        now = timezone.now()
        MINUTES.apply(minutes, "lock", actor, locked_at=now, locked_by=actor, version=F("version") + 1, updated_at=now)
        minutes.refresh_from_db()
        MinutesVersion.objects.create(
            minutes=minutes, number=minutes.version, status=Minutes.Status.LOCKED, text=minutes.text, author=actor
        )
        log(action="minutes.locked", actor=actor, meeting=meeting, version=minutes.version)
        _tell_minutes_locked(meeting, minutes, actor)
    return minutes


def _tell_minutes_locked(meeting: Meeting, minutes: Minutes, actor) -> None:
    """The meeting's participants may read the locked minutes (notifications/)."""
    from django.contrib.auth import get_user_model

    from notifications import kinds
    from notifications.services import notify

    participants = (
        get_user_model().objects.filter(pk__in=meeting.participants.values("person_id"), is_active=True).order_by("pk")
    )
    notify(
        participants,
        kinds.MINUTES_LOCKED,
        event=f"minutes:{minutes.pk}:locked:{minutes.version}",
        link=meeting.get_absolute_url(),
        params={"meeting": meeting.title, "date": timezone.localtime(meeting.starts_at).date().isoformat()},
        actor=actor,
        obj=minutes,
    )


@dataclass(frozen=True)
class DiffRow:
    tag: str  # equal, replace, delete, insert
    left_number: int | None
    left: str
    right_number: int | None
    right: str


def minutes_compare(left: MinutesVersion, right: MinutesVersion) -> list[DiffRow]:
    """Two versions side by side, line by line (difflib's opcodes)."""
    a, b = left.text.splitlines(), right.text.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            rows.append(
                DiffRow(
                    tag=tag,
                    left_number=i + 1 if i < i2 else None,
                    left=a[i] if i < i2 else "",
                    right_number=j + 1 if j < j2 else None,
                    right=b[j] if j < j2 else "",
                )
            )
    return rows


# --- Repeating meetings ------------------------------------------------------------------


def series_dates(series: MeetingSeries) -> list[dt.date]:
    """The dates a series falls on, between its first and last date."""
    dates: list[dt.date] = []
    if series.frequency == MeetingSeries.Frequency.WEEKLY:
        day = series.starts_on + dt.timedelta(days=(series.weekday - series.starts_on.weekday()) % 7)
        while day <= series.ends_on:
            dates.append(day)
            day += dt.timedelta(weeks=series.interval_weeks)
        return dates
    year, month = series.starts_on.year, series.starts_on.month
    while dt.date(year, month, 1) <= series.ends_on:
        day = nth_weekday(year, month, series.weekday, series.week_of_month)
        if day is not None and series.starts_on <= day <= series.ends_on:
            dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date | None:
    """The n-th (1–4) or last (-1) given weekday of a month."""
    if n == -1:
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        last = next_month - dt.timedelta(days=1)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7) + dt.timedelta(weeks=n - 1)
    return day if day.month == month else None


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in Copenhagen on a date: 09:00 stays 09:00 in summer and winter."""
    return dt.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def series_create(
    *,
    kind: MeetingKind,
    title: str,
    organiser,
    committee=None,
    host=None,
    frequency: str,
    weekday: int,
    week_of_month: int | None = None,
    interval_weeks: int = 1,
    time_of_day: dt.time,
    duration_minutes: int,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    purpose: str = "",
    actor=None,
) -> tuple[MeetingSeries, list[Meeting]]:
    """A repeating meeting. Given `actor`, every occurrence passes `check_meeting` for them."""
    if ends_on < starts_on:
        raise ServiceError(_("The last date must be on or after the first date."), field="ends_on")
    if ends_on > starts_on + dt.timedelta(days=3 * 366):
        raise ServiceError(_("A series can run for at most three years."), field="ends_on")
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            kind=kind,
            title=title,
            organiser=organiser,
            committee=committee,
            host=host,
            frequency=frequency,
            weekday=weekday,
            week_of_month=week_of_month if frequency == MeetingSeries.Frequency.MONTHLY_WEEKDAY else None,
            interval_weeks=interval_weeks,
            time_of_day=time_of_day,
            duration_minutes=duration_minutes,
            starts_on=starts_on,
            ends_on=ends_on,
            place=place,
            purpose=purpose,
        )
        meetings = []
        # Each date at the series' wall-clock time; a date whose time the clocks skip is
        # left out (SeriesForm lists it), and the duration is real time, counted in UTC.
        planned = localtime.occurrences(
            series_dates(series), time_of_day, length=dt.timedelta(minutes=duration_minutes)
        )
        for starts_at, ends_at in planned.times:
            meetings.append(
                meeting_create(
                    kind=kind,
                    title=title,
                    organiser=organiser,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    committee=committee,
                    host=host,
                    place=place,
                    purpose=purpose,
                    series=series,
                    actor=actor,
                )
            )
        if not meetings:
            raise ServiceError(_("No date between the first and last date matches the rule."), field="starts_on")
    return series, meetings
