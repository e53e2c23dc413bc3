"""iCalendar files for meetings: downloads and feeds (METHOD PUBLISH), invitations
(METHOD REQUEST) and cancellations (METHOD CANCEL).

Every event carries the meeting's stable UID and its SEQUENCE, DTSTART/DTEND with
TZID=Europe/Copenhagen and the VTIMEZONE block that defines it (`add_missing_timezones`):
without that block Outlook shifts events by an hour around daylight saving changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from accounts.privacy import erased
from samspil.bounds import summary

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
) -> Event:
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
    event.add("summary", meeting.title)
    where = meeting.location if location is None else location
    if where:
        event.add("location", where)
    url = meeting_url(meeting)
    description = "\n\n".join(
        part
        # A summary: the whole purpose is on the meeting page (samspil/bounds.py).
        for part in (summary(meeting.purpose), _("The meeting page in Samspil: %(url)s") % {"url": url})
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


def _finish(cal: Calendar) -> bytes:
    cal.add_missing_timezones()
    return cal.to_ical()


def meeting_ics(meeting: Meeting, participants: Iterable[Participant]) -> bytes:
    """The download of one meeting (METHOD PUBLISH)."""
    cal = _calendar("PUBLISH")
    cal.add_component(build_event(meeting, attendees=participants, cancelled=meeting.is_cancelled))
    return _finish(cal)


def invitation_ics(meeting: Meeting, participants: Iterable[Participant], *, method: str) -> bytes:
    """An invitation or update (REQUEST) or a cancellation (CANCEL) for email."""
    cal = _calendar(method)
    cal.add_component(
        build_event(meeting, attendees=participants, rsvp=method == "REQUEST", cancelled=method == "CANCEL")
    )
    return _finish(cal)


def attach_event(message, meeting: Meeting, participants: Iterable[Participant], *, method: str) -> None:
    """Put the event on an email: a text/calendar alternative with its METHOD (Outlook
    reads that) and an .ics attachment (Google and the others read that)."""
    ics = invitation_ics(meeting, participants, method=method)
    message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
    message.attach("invite.ics" if method == "REQUEST" else "cancel.ics", ics, f"application/ics; method={method}")


def feed_ics(person, participations: Iterable[Participant]) -> bytes:
    """A person's subscription feed (METHOD PUBLISH): their meetings with alarms.
    `participations` come with `meeting`, `meeting__organiser` and `meeting__host` loaded."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", _("Samspil meetings"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("x-published-ttl", "PT1H")
    for participant in participations:
        participant.person = person  # the feed's owner, already loaded: no query per event
        meeting = participant.meeting
        cancelled = meeting.is_cancelled
        declined = participant.response == Participant.Response.NO
        alarms = () if cancelled or declined else settings.MEETING_FEED_ALARMS
        event = build_event(meeting, attendees=[participant], cancelled=cancelled, alarms=alarms)
        if declined:
            event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return _finish(cal)
