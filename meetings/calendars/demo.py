"""Demo data for calendars and reminders, called at the end of meetings/demo.py's load():
replies on the coming meetings, a meeting tomorrow (its 1-day reminder goes with the next
beat), a calendar feed address for every demo account, one reminder kind turned off.
The demo's invitations are marked as not needed, so loading the demo emails nobody."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .. import services
from ..kinds import kind as meeting_kind
from ..models import Meeting, MeetingKind, Participant
from . import services as calendar_services
from .models import ReminderOptOut


def load(context: dict, *, stdout=None) -> None:
    rng = context["rng"]
    accounts = context["accounts"]
    now = timezone.now()
    today = timezone.localdate()
    school = context["workplaces"]["egeskovskolen"]
    children = context["committees"]["born-og-unge"]

    # A dialogue meeting tomorrow afternoon: the 1-day reminders go out with the beat.
    tomorrow = services.meeting_create(
        kind=meeting_kind(MeetingKind.DIALOGUE),
        title="Dialogmøde om skolevejen og trafiksikkerhed",
        organiser=accounts["chair"],
        starts_at=services.local_datetime(today + dt.timedelta(days=1), dt.time(14, 0)),
        ends_at=services.local_datetime(today + dt.timedelta(days=1), dt.time(15, 30)),
        committee=children,
        host=school,
        purpose="Forældre og skole har bedt om en snak om morgentrafikken ved skolen.",
        nothing_at_stake=True,
    )

    # Replies on the coming meetings: most say yes, some maybe, a few no. The demo
    # accounts keep an unanswered invitation or two, so their start page asks for a reply.
    demo_people = {person.pk for person in accounts.values() if person is not None}
    replies = [Participant.Response.YES] * 6 + [Participant.Response.MAYBE] * 2 + [Participant.Response.NO]
    coming = Participant.objects.filter(
        meeting__starts_at__gt=now, response=Participant.Response.NONE, meeting__status__in=["planned", "confirmed"]
    ).exclude(person_id__in=demo_people)
    answered = []
    for participant in coming:
        participant.response = rng.choice(replies)
        participant.responded_at = now - dt.timedelta(hours=rng.randrange(1, 72))
        answered.append(participant)
    Participant.objects.bulk_update(answered, ["response", "responded_at"], batch_size=500)
    Participant.objects.filter(meeting=tomorrow, person=accounts["leader"]).update(
        response=Participant.Response.YES, responded_at=now
    )

    # Every demo account has a feed address on its calendar page (Meetings → Calendar).
    for person in accounts.values():
        if person is not None:
            calendar_services.feed_renew(person=person)
    # The director reads the 7-day reminders in the calendar instead.
    if accounts.get("director"):
        ReminderOptOut.objects.get_or_create(person=accounts["director"], kind="7d")

    # Loading the demo sends no invitations.
    from outbox.models import Email

    Email.objects.filter(family="meetings.calendar", outcome=Email.Outcome.PENDING).update(
        outcome=Email.Outcome.SKIPPED, last_error="demo data"
    )
    if stdout:
        upcoming = Meeting.objects.filter(starts_at__gt=now).count()
        stdout.write(f"  {len(answered)} replies on {upcoming} coming meetings, feed addresses for the demo accounts")
