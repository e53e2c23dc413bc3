"""iCalendar files for meetings: downloads and feeds (METHOD PUBLISH), invitations
(METHOD REQUEST) and cancellations (METHOD CANCEL).

Every event carries the meeting's stable UID and its SEQUENCE, DTSTART/DTEND with
TZID=Europe/Copenhagen and the VTIMEZONE block that defines it (`add_missing_timezones`):
without that block Outlook shifts events by an hour around daylight saving changes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText
from icalendar.parser.parameter import param_value
from icalendar.parser.string import _escape_char, _foldline

from accounts.privacy import erased
from samspil.bounds import summary as shorten

from ..models import Meeting, Participant

PRODID = "-//Samspil//Meetings//DA"

PARTSTAT = {
    Participant.Response.NONE: "NEEDS-ACTION",
    Participant.Response.YES: "ACCEPTED",
    Participant.Response.NO: "DECLINED",
    Participant.Response.MAYBE: "TENTATIVE",
}

STATUS = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{meeting.get_absolute_url()}"


def event_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@samspil"


def _address(person, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(str(person))
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _local(value: dt.datetime) -> dt.datetime:
    # Local wall-clock time with the Copenhagen zone: written as TZID=Europe/Copenhagen.
    return timezone.localtime(value, timezone.get_default_timezone())


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def build_event(
    meeting: Meeting,
    *,
    attendees: Iterable[Participant] = (),
    rsvp: bool = False,
    cancelled: bool = False,
    alarms: Iterable[dt.timedelta] = (),
    location: str | None = None,
    summary: str | None = None,
    notes: str = "",
) -> Event:
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
    event.add("summary", summary or meeting.title)
    where = meeting.location if location is None else location
    if where:
        event.add("location", where)
    url = meeting_url(meeting)
    description = "\n\n".join(
        part
        # A summary: the whole purpose is on the meeting page (samspil/bounds.py).
        for part in (
            shorten(meeting.purpose),
            notes,
            _("The meeting page in Samspil: %(url)s") % {"url": url},
        )
        if part
    )
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else STATUS.get(meeting.status, "CONFIRMED"))
    if meeting.organiser_id and meeting.organiser.email:
        event.add("organizer", _address(meeting.organiser))
    else:
        # Outlook refuses an invitation without an organiser: Samspil's own address then.
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["CN"] = vText(name or "Samspil")
        event.add("organizer", organizer)
    for participant in attendees:
        if not participant.person.email or erased(participant.person):
            continue
        event.add(
            "attendee",
            _address(
                participant.person,
                ROLE="CHAIR" if participant.person_id == meeting.organiser_id else "REQ-PARTICIPANT",
                PARTSTAT=PARTSTAT.get(participant.response, "NEEDS-ACTION"),
                RSVP="TRUE" if rsvp and participant.response == Participant.Response.NONE else "FALSE",
            ),
        )
    for before in alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.title)
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


@functools.lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE block of a zone, built and serialised once per process: icalendar
    derives it from the zone's transitions over its default span of years (about 120
    dates), which cost more than the rest of a one-event file. Bounded: Samspil writes one
    zone (TIME_ZONE)."""
    return Timezone.from_tzid(tzid).to_ical()


def _finish(cal: Calendar) -> bytes:
    """The file, with the VTIMEZONE of every zone it names: what `add_missing_timezones()`
    would add, in the same place (before the first component), from `_vtimezone`."""
    blocks = []
    for tzid in sorted(cal.get_missing_tzids()):
        try:
            blocks.append(_vtimezone(tzid))
        except ValueError:  # a zone icalendar does not know: left out, as it would
            continue
    ical = cal.to_ical()
    if not blocks:
        return ical
    first_component = ical.index(b"\r\nBEGIN:", 1) + 2  # lines end in CRLF; values never hold one
    return ical[:first_component] + b"".join(blocks) + ical[first_component:]


def meeting_ics(meeting: Meeting, participants: Iterable[Participant], *, summary: str | None = None) -> bytes:
    """The download of one meeting (METHOD PUBLISH); `summary`: the reader's own title.

    Written line by line (`_PublishedEvent`), not through icalendar's components: the
    same bytes as `_meeting_ics_icalendar` (tests/meetings/test_calendar.py compares
    them), at a fraction of the cost (about 7,000 function calls a file)."""
    written = _PublishedEvent(meeting, participants, summary).ics()
    return written if written is not None else _meeting_ics_icalendar(meeting, participants, summary=summary)


def _meeting_ics_icalendar(
    meeting: Meeting, participants: Iterable[Participant], *, summary: str | None = None
) -> bytes:
    cal = _calendar("PUBLISH")
    cal.add_component(build_event(meeting, attendees=participants, cancelled=meeting.is_cancelled, summary=summary))
    return _finish(cal)


def _fold(line: str) -> str:
    """icalendar's folding (_foldline: at 75 octets, never inside an escape); a line that
    is shorter needs none."""
    if len(line) < 75 and (line.isascii() or len(line.encode()) < 75):
        return line
    return _foldline(line)


def _stamp(value: dt.datetime) -> str:
    return f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}"


@functools.lru_cache(maxsize=1)
def _publish_head() -> tuple[str, str]:
    """The calendar's opening lines (as `_calendar("PUBLISH")` writes them) and the
    organiser written when a meeting has none: built once per process."""
    head = "\r\n".join(
        (
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            _fold(f"PRODID:{_escape_char(PRODID)}"),
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
        )
    )
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = _fold(f"ORGANIZER;{_cn(name or 'Samspil')}:mailto:{address}")
    return head, organizer


def _cn(name: str) -> str:
    """The CN parameter as icalendar writes it (quoted when it holds a space or ')."""
    return "CN=" + param_value(name, always_quote=" " in name or "'" in name)


class _PublishedEvent:
    """One meeting's .ics (METHOD PUBLISH) written as `build_event` and `_finish` write it:
    the properties in icalendar's order (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE,
    then by name), parameters sorted, text escaped and lines folded by icalendar's own
    functions, and the VTIMEZONE block of `_vtimezone`."""

    def __init__(self, meeting: Meeting, participants: Iterable[Participant], summary: str | None) -> None:
        self.meeting = meeting
        self.participants = participants
        self.summary = summary

    def ics(self) -> bytes | None:
        meeting = self.meeting
        starts, ends = _local(meeting.starts_at), _local(meeting.ends_at)
        tzid = getattr(starts.tzinfo, "key", None)
        if not tzid or tzid == "UTC" or getattr(ends.tzinfo, "key", None) != tzid:
            return None  # not the one local zone Samspil writes: icalendar decides
        try:
            zone = _vtimezone(tzid).decode()
        except ValueError:
            return None
        head, default_organizer = _publish_head()
        now = timezone.now().astimezone(dt.UTC)
        url = meeting_url(meeting)
        lines = [
            head,
            zone.removesuffix("\r\n"),
            "BEGIN:VEVENT",
            _fold(f"SUMMARY:{_escape_char(self.summary or meeting.title)}"),
            f"DTSTART;TZID={param_value(tzid)}:{_stamp(starts)}",
            f"DTEND;TZID={param_value(tzid)}:{_stamp(ends)}",
            f"DTSTAMP:{_stamp(now)}Z",
            _fold(f"UID:{_escape_char(event_uid(meeting))}"),
            f"SEQUENCE:{int(meeting.sequence)}",
        ]
        for participant in self.participants:
            person = participant.person
            if not person.email or erased(person):
                continue
            role = "CHAIR" if participant.person_id == meeting.organiser_id else "REQ-PARTICIPANT"
            partstat = PARTSTAT.get(participant.response, "NEEDS-ACTION")
            lines.append(
                _fold(
                    f"ATTENDEE;{_cn(str(person))};PARTSTAT={param_value(partstat)};ROLE={role};RSVP=FALSE"
                    f":mailto:{person.email}"
                )
            )
        description = "\n\n".join(
            part
            for part in (shorten(meeting.purpose), _("The meeting page in Samspil: %(url)s") % {"url": url})
            if part
        )
        lines.append(_fold(f"DESCRIPTION:{_escape_char(description)}"))
        if where := meeting.location:
            lines.append(_fold(f"LOCATION:{_escape_char(where)}"))
        if meeting.organiser_id and meeting.organiser.email:
            lines.append(_fold(f"ORGANIZER;{_cn(str(meeting.organiser))}:mailto:{meeting.organiser.email}"))
        else:
            lines.append(default_organizer)
        status = "CANCELLED" if meeting.is_cancelled else STATUS.get(meeting.status, "CONFIRMED")
        lines.append(_fold(f"STATUS:{_escape_char(status)}"))
        lines.append(_fold(f"URL:{url}"))
        lines.append("END:VEVENT")
        lines.append("END:VCALENDAR\r\n")
        return "\r\n".join(lines).encode()


_DTSTAMP = b"\r\nDTSTAMP:"


def restamp(data: bytes) -> bytes | None:
    """A built .ics with its DTSTAMP (the moment it is written, RFC 5545) set to now: the
    one part of a cached download (meetings/calendars/views.py) that is not a function of
    the meeting. None when the file has no single-line UTC DTSTAMP to replace."""
    at = data.find(_DTSTAMP)
    if at < 0:
        return None
    start = at + len(_DTSTAMP)
    end = start + 16  # YYYYMMDDTHHMMSSZ
    if data[end - 1 : end + 2] != b"Z\r\n":
        return None
    return data[:start] + f"{_stamp(timezone.now().astimezone(dt.UTC))}Z".encode() + data[end:]


def invitation_ics(meeting: Meeting, participants: Iterable[Participant], *, method: str, **event) -> bytes:
    """An invitation or update (REQUEST) or a cancellation (CANCEL) for email; `event`: the
    recipient's own summary and notes (build_event)."""
    cal = _calendar(method)
    cal.add_component(
        build_event(meeting, attendees=participants, rsvp=method == "REQUEST", cancelled=method == "CANCEL", **event)
    )
    return _finish(cal)


def attach_event(message, meeting: Meeting, participants: Iterable[Participant], *, method: str, **event) -> None:
    """Put the event on an email: a text/calendar alternative with its METHOD (Outlook
    reads that) and an .ics attachment (Google and the others read that)."""
    ics = invitation_ics(meeting, participants, method=method, **event)
    message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
    message.attach("invite.ics" if method == "REQUEST" else "cancel.ics", ics, f"application/ics; method={method}")


def visit_title(names: Iterable[str]) -> str:
    """A visit's title in its host's calendar says who is coming ("Besøg: Anna Jensen")."""
    return _("Visit: %(names)s") % {"names": ", ".join(names)}


def _visitors_of_hosted_visits(participations: list[Participant]) -> dict[int, list[str]]:
    """The politicians coming to the visits in this feed that its owner hosts rather than
    makes: one query, and none when the feed holds no such visit."""
    hosted = [
        p.meeting_id
        for p in participations
        if p.meeting.visit_slot_id is not None and p.role != Participant.MeetingRole.POLITICIAN
    ]
    if not hosted:
        return {}
    visitors: dict[int, list[str]] = {}
    politicians = (
        Participant.objects.filter(meeting_id__in=hosted, role=Participant.MeetingRole.POLITICIAN)
        .select_related("person")
        .order_by("meeting_id", "pk")
    )
    for politician in politicians:
        visitors.setdefault(politician.meeting_id, []).append(politician.person.full_name or str(politician.person))
    return visitors


def feed_ics(person, participations: Iterable[Participant]) -> bytes:
    """A person's subscription feed (METHOD PUBLISH): their meetings with alarms.
    `participations` come with `meeting`, `meeting__organiser` and `meeting__host` loaded."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", _("Samspil meetings"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("x-published-ttl", "PT1H")
    participations = list(participations)
    visitors = _visitors_of_hosted_visits(participations)
    for participant in participations:
        participant.person = person  # the feed's owner, already loaded: no query per event
        meeting = participant.meeting
        cancelled = meeting.is_cancelled
        declined = participant.response == Participant.Response.NO
        alarms = () if cancelled or declined else settings.MEETING_FEED_ALARMS
        names = visitors.get(meeting.pk)
        event = build_event(
            meeting,
            attendees=[participant],
            cancelled=cancelled,
            alarms=alarms,
            summary=visit_title(names) if names else None,
        )
        if declined:
            event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return _finish(cal)
