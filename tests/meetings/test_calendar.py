"""Calendars: the .ics download, invitation emails with .ics, the private feed."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from meetings.calendars import ics
from meetings.calendars import selectors as calendar_selectors
from meetings.calendars import services as calendar_services
from meetings.models import Meeting, Participant
from meetings.visits import services as visit_services
from outbox.models import Email
from tests.meetings import helpers

pytestmark = pytest.mark.django_db


def parse(data: bytes) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def assert_copenhagen(cal: Calendar, event) -> None:
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["Europe/Copenhagen"]
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event["DTEND"].params["TZID"] == "Europe/Copenhagen"


def calendar_part(message):
    """(the text/calendar alternative, the .ics attachment) of an email."""
    alternative = [content for content, mimetype in message.alternatives if mimetype.startswith("text/calendar")]
    attachments = [(name, content, mimetype) for name, content, mimetype in message.attachments]
    return alternative, attachments


def mime_methods(message) -> dict[str, str]:
    """The METHOD parameter of each calendar part of the email as it goes over the wire."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    return {
        part.get_content_type(): part.get_param("method")
        for part in parsed.walk()
        if part.get_content_type() in ("text/calendar", "application/ics")
    }


def test_a_meeting_downloads_as_ics_in_copenhagen_time_with_organiser_and_attendees(org, client_for):
    meeting = helpers.meeting(org)
    response = client_for(org.member).get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    cal, event = parse(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert_copenhagen(cal, event)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event["DTSTART"].dt.hour == 16  # 16:00 in Copenhagen, summer or winter
    assert str(event["UID"]) == f"{meeting.uid}@samspil"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ORGANIZER"]) == "mailto:chair@test.example"
    attendees = {str(a): a.params["PARTSTAT"] for a in event.get("ATTENDEE")}
    assert attendees == {
        "mailto:chair@test.example": "ACCEPTED",
        "mailto:member@test.example": "NEEDS-ACTION",
        "mailto:leader@test.example": "NEEDS-ACTION",
    }
    assert f"/moeder/{meeting.pk}/" in str(event["URL"])
    assert f"/moeder/{meeting.pk}/" in str(event["DESCRIPTION"])


def test_a_stranger_cannot_download_a_meeting(org, client_for):
    meeting = helpers.meeting(org)
    assert client_for(org.other_member).get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 404


def test_a_new_meeting_emails_each_participant_their_own_invitation(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = helpers.meeting(org)
    assert sorted(m.to[0] for m in mailoutbox) == ["chair@test.example", "leader@test.example", "member@test.example"]
    for message in mailoutbox:
        assert len(message.to) == 1 and not message.bcc and not message.cc
        alternative, attachments = calendar_part(message)
        assert len(alternative) == 1 and len(attachments) == 1
        name, content, _mimetype = attachments[0]
        assert name == "invite.ics"
        cal, event = parse(content)
        assert str(cal["METHOD"]) == "REQUEST"
        assert_copenhagen(cal, event)
        assert str(event["UID"]) == f"{meeting.uid}@samspil"
        assert int(event["SEQUENCE"]) == 0
        assert str(event["ORGANIZER"]) == "mailto:chair@test.example"
        rsvp = {str(a): a.params["RSVP"] for a in event.get("ATTENDEE")}
        assert rsvp["mailto:member@test.example"] == "TRUE"
        assert "Dialogmøde om trivsel" in message.subject
        assert f"/moeder/{meeting.pk}/" in message.body
    # The MIME structure Outlook needs: a text/calendar part with the method.
    assert mime_methods(mailoutbox[0]) == {"text/calendar": "REQUEST", "application/ics": "REQUEST"}
    assert Email.objects.filter(family="meetings.calendar", outcome="sent").count() == 3


def test_moving_a_meeting_sends_an_update_with_a_higher_sequence_and_cancelling_sends_cancel(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = helpers.meeting(org)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_update(
            meeting=meeting,
            actor=org.chair,
            starts_at=meeting.starts_at + dt.timedelta(days=1),
            ends_at=meeting.ends_at + dt.timedelta(days=1),
        )
    assert meeting.sequence == 1
    assert len(mailoutbox) == 3
    cal, event = parse(mailoutbox[0].attachments[0][1])
    assert str(cal["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == meeting.starts_at
    mailoutbox.clear()
    # A change that is not in the calendar (the purpose) sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, actor=org.chair, purpose="Ny tekst")
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, actor=org.chair, reason="Sygdom")
    assert sorted(m.to[0] for m in mailoutbox) == ["chair@test.example", "leader@test.example", "member@test.example"]
    cal, event = parse(mailoutbox[0].attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert mime_methods(mailoutbox[0]) == {"text/calendar": "CANCEL", "application/ics": "CANCEL"}


def test_an_added_participant_alone_gets_an_invitation(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = helpers.meeting(org)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_add(meeting=meeting, person=org.employee, role="staff", actor=org.chair)
    assert [m.to for m in mailoutbox] == [["employee@test.example"]]


def test_sending_a_meetings_emails_again_sends_nothing_twice(org, mailoutbox, django_capture_on_commit_callbacks):
    from meetings.tasks import scan_reminders
    from outbox.tasks import scan, send_batch

    with django_capture_on_commit_callbacks(execute=True):
        helpers.meeting(org)
    send_batch()
    scan_reminders()
    scan()
    assert len(mailoutbox) == 3


def test_a_booked_visit_invites_the_member_and_the_leader(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = helpers.booking(org)
    invitations = [m for m in mailoutbox if m.attachments]
    assert sorted(m.to[0] for m in invitations) == ["leader@test.example", "member@test.example"]
    cal, event = parse(invitations[0].attachments[0][1])
    assert str(event["ORGANIZER"]) == "mailto:leader@test.example"
    assert {str(a) for a in event.get("ATTENDEE")} == {"mailto:leader@test.example", "mailto:member@test.example"}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_services.visit_cancel(booking=booking, actor=org.member, reason="Syg")
    cancels = [m for m in mailoutbox if m.attachments]
    assert sorted(m.to[0] for m in cancels) == ["leader@test.example", "member@test.example"]
    for message in cancels:
        cal, _event = parse(message.attachments[0][1])
        assert str(cal["METHOD"]) == "CANCEL"


def test_a_moved_visit_cancels_the_old_time_and_invites_to_the_new(org, mailoutbox, django_capture_on_commit_callbacks):
    booking = helpers.booking(org)
    new_slot = helpers.slot(org, days=12)
    with django_capture_on_commit_callbacks(execute=True):
        visit_services.visit_move(booking=booking, new_slot_id=new_slot.pk, actor=org.member, reason="Andet møde")
    methods = sorted(
        (m.to[0], str(Calendar.from_ical(m.attachments[0][1])["METHOD"])) for m in mailoutbox if m.attachments
    )
    assert methods == [
        ("leader@test.example", "CANCEL"),
        ("leader@test.example", "REQUEST"),
        ("member@test.example", "CANCEL"),
        ("member@test.example", "REQUEST"),
    ]


# --- The private feed --------------------------------------------------------------------------


def feed_url(person) -> str:
    feed = calendar_services.feed_renew(person=person)
    return reverse("meetings:calendar_feed", args=[calendar_selectors.feed_token(feed)])


def test_the_feed_lists_a_persons_meetings_with_alarms_and_needs_no_login(org, client):
    meeting = helpers.meeting(org)
    old = helpers.meeting(org, days=-100)  # older than 90 days: not in the feed
    helpers.meeting(org, days=5, committee=org.other_committee, host=org.other_workplace)  # not invited
    response = client.get(feed_url(org.member))
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    events = list(cal.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [f"{meeting.uid}@samspil"]
    assert str(old.uid) not in response.content.decode()
    assert_copenhagen(cal, events[0])
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in events[0].walk("VALARM"))
    assert triggers == [-dt.timedelta(days=1), -dt.timedelta(hours=1)]
    assert f"/moeder/{meeting.pk}/" in str(events[0]["URL"])


def test_a_wrong_or_renewed_token_opens_no_feed(org, client):
    first = feed_url(org.member)
    assert client.get(first).status_code == 200
    second = feed_url(org.member)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get(reverse("meetings:calendar_feed", args=["0" * 64])).status_code == 404


def test_only_a_hash_of_the_token_is_stored(org):
    feed = calendar_services.feed_renew(person=org.member)
    token = calendar_selectors.feed_token(feed)
    feed.refresh_from_db()
    assert token not in (feed.token_hash, feed.nonce)
    assert feed.token_hash == calendar_selectors.token_hash(token)


def test_the_feed_runs_two_queries_with_3_or_60_meetings(org, client, settings):
    settings.MEETING_FEED_CACHE_SECONDS = 0  # built every time, to count its queries
    url = feed_url(org.member)
    sizes = {}
    for count in (3, 60):
        while Participant.objects.filter(person=org.member).count() < count:
            helpers.meeting(org, days=1 + Participant.objects.filter(person=org.member).count())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(list(Calendar.from_ical(response.content).walk("VEVENT"))) == count
        sizes[count] = len(queries)
    # 1: the feed and its person by the token's hash; 2: the participations with meetings,
    # organisers and hosts.
    assert sizes == {3: 2, 60: 2}


def test_the_calendar_page_makes_renews_and_shows_the_feed_address(org, client_for):
    client = client_for(org.member)
    page = client.get(reverse("meetings:calendar"))
    assert page.status_code == 200
    assert b"/kalender/abonnement/" not in page.content
    assert client.post(reverse("meetings:calendar"), {"form": "feed"}).status_code == 302
    page = client.get(reverse("meetings:calendar"))
    token = calendar_selectors.feed_token(org.member.calendar_feed)
    assert token.encode() in page.content
    client.post(reverse("meetings:calendar"), {"form": "feed"})
    org.member.calendar_feed.refresh_from_db()
    assert calendar_selectors.feed_token(org.member.calendar_feed) != token


def test_a_feed_built_a_moment_ago_is_served_from_the_cache_with_one_query(org, client, settings):
    # No cache.clear(): with REDIS_URL the cache shares Redis with the broker. The key is
    # the hash of a fresh random token, so nothing cached before can answer.
    helpers.meeting(org)
    url = feed_url(org.member)
    first = client.get(url).content
    helpers.meeting(org, days=20)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url).content
    assert second == first
    assert len(queries) == 1  # the feed by the token's hash: a renewed token is refused first
    settings.MEETING_FEED_CACHE_SECONDS = 0
    assert len(list(Calendar.from_ical(client.get(url).content).walk("VEVENT"))) == 2


def test_confirming_a_meeting_updates_everyones_calendar_to_confirmed(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = helpers.meeting(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_confirm(meeting=meeting, actor=org.chair)
    assert len(mailoutbox) == 3
    _cal, event = parse(mailoutbox[0].attachments[0][1])
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 1


def test_a_meeting_without_an_organiser_names_samspil_as_organiser(org, settings):
    settings.DEFAULT_FROM_EMAIL = "Samspil <samspil@127.0.0.1>"
    meeting = helpers.meeting(org)
    meeting.organiser = None
    _cal, event = parse(ics.invitation_ics(meeting, [], method="REQUEST"))
    assert str(event["ORGANIZER"]) == "mailto:samspil@127.0.0.1"


def test_the_organiser_is_not_told_they_are_invited_to_their_own_meeting(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        helpers.meeting(org)
    by_person = {m.to[0]: m for m in mailoutbox}
    organiser = by_person["chair@test.example"]
    assert "Du er arrangør af mødet" in organiser.body and "Du er inviteret" not in organiser.body
    assert organiser.subject.startswith("Dit møde:")
    assert "Du er inviteret" in by_person["member@test.example"].body


def test_every_cancellation_names_the_attendee_it_cancels_for(org, mailoutbox, django_capture_on_commit_callbacks):
    booking = helpers.booking(org)
    with django_capture_on_commit_callbacks(execute=True):
        visit_services.visit_cancel(booking=booking, actor=org.member, reason="Syg")
    cancels = [
        m for m in mailoutbox if m.attachments and "CANCEL" in str(Calendar.from_ical(m.attachments[0][1])["METHOD"])
    ]
    assert cancels
    for message in cancels:
        _cal, event = parse(message.attachments[0][1])
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert f"mailto:{message.to[0]}" in {str(a) for a in attendees if a is not None}


def test_a_meetings_ics_runs_two_queries(org, client_for, django_assert_num_queries):
    meeting = helpers.meeting(org)
    client = client_for(org.member)
    url = reverse("meetings:meeting_ics", args=[meeting.pk])
    # Built: 1 the user with their roles, 2 the permission check with the .ics data
    # version, 3 the participants with people and the meeting with host and organiser.
    with django_assert_num_queries(3):
        built = client.get(url)
    assert built.status_code == 200
    # From the cache: the user and the permission check with the data version.
    with django_assert_num_queries(2):
        cached = client.get(url)
    assert cached.status_code == 200
    assert cached.content == built.content
    # A refusal still answers 404 and is logged as every refused lookup is.
    assert client_for(org.other_member).get(url).status_code == 404


def test_a_cached_ics_has_the_moment_of_its_download_as_dtstamp(org, client_for):
    import time_machine

    meeting = helpers.meeting(org)
    url = reverse("meetings:meeting_ics", args=[meeting.pk])
    with time_machine.travel(dt.datetime(2026, 5, 1, 8, 0, 1, tzinfo=dt.UTC), tick=False):
        first = client_for(org.member).get(url).content
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        second = client_for(org.member).get(url).content
    assert b"\r\nDTSTAMP:20260501T080001Z\r\n" in first
    assert b"\r\nDTSTAMP:20260501T093002Z\r\n" in second
    assert second == first.replace(b"DTSTAMP:20260501T080001Z", b"DTSTAMP:20260501T093002Z")


def test_a_cached_ics_follows_every_change_it_shows(org, client_for):
    """The .ics is cached under a data version that triggers bump on every write to what
    it shows (meetings/calendars/freshness.py): each change is in the next download,
    whether made through a model, a queryset update or raw SQL."""
    from organisation.models import Workplace

    meeting = helpers.meeting(org)
    url = reverse("meetings:meeting_ics", args=[meeting.pk])

    def event():
        return parse(client_for(org.member).get(url).content)[1]

    assert str(event()["SUMMARY"]) == "Dialogmøde om trivsel"
    Meeting.objects.filter(pk=meeting.pk).update(title="Nyt navn")
    assert str(event()["SUMMARY"]) == "Nyt navn"
    Participant.objects.filter(meeting=meeting, person=org.leader).update(response=Participant.Response.YES)
    attendees = {str(a): str(a.params["PARTSTAT"]) for a in event().get("ATTENDEE")}
    assert attendees["mailto:leader@test.example"] == "ACCEPTED"
    type(org.leader).objects.filter(pk=org.leader.pk).update(full_name="Lene Leder-Nyhus")
    assert "Lene Leder-Nyhus" in {str(a.params["CN"]) for a in event().get("ATTENDEE")}
    Workplace.objects.filter(pk=org.workplace.pk).update(name="Nyskolen")
    assert str(event()["LOCATION"]).startswith("Nyskolen")
    Participant.objects.filter(meeting=meeting, person=org.leader).delete()
    assert "mailto:leader@test.example" not in {str(a) for a in event().get("ATTENDEE")}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET status = %s WHERE id = %s", ["cancelled", meeting.pk])
    assert str(event()["STATUS"]) == "CANCELLED"


def test_a_cached_ics_is_in_the_readers_language(org, client_for, settings):
    meeting = helpers.meeting(org)
    url = reverse("meetings:meeting_ics", args=[meeting.pk])
    danish = client_for(org.member).get(url).content.replace(b"\r\n ", b"")
    english_reader = client_for(org.member)
    english_reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_reader.get(url).content.replace(b"\r\n ", b"")
    assert "Mødets side i Samspil".encode() in danish
    assert b"The meeting page in Samspil" in english
    assert "Mødets side i Samspil".encode() in client_for(org.member).get(url).content.replace(b"\r\n ", b"")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_written_ics_is_byte_for_byte_what_icalendar_writes(org, language):
    """meeting_ics writes its lines itself (meetings/calendars/ics.py); icalendar's
    components (build_event, _finish) are the reference, with every kind of text that
    needs escaping, quoting or folding."""
    import time_machine
    from django.utils import translation

    from accounts.privacy import ERASED_EMAIL_DOMAIN, ERASED_EMAIL_PREFIX

    org.chair.full_name = 'Ida "Bedste" O\'Brien, formand; BUU: ^ok'
    org.chair.save()
    org.member.full_name = "Åse Ærø-Østergård " + "æ" * 40
    org.member.save()
    org.leader.email = f"{ERASED_EMAIL_PREFIX}x{ERASED_EMAIL_DOMAIN}"
    org.leader.save()
    texts = [
        {},
        {
            "title": 'Møde; om, alt: \\ og \\N "citat" ' + "ø" * 70,
            "place": "Skolevej 1, 4200 Bølgeby; lokale 2",
            "purpose": "Linje 1\r\nLinje 2\rLinje 3\n" + "x\\" * 60 + ", ; " * 50,
        },
        {"place": "", "purpose": ""},
    ]
    with time_machine.travel(dt.datetime(2026, 3, 29, 1, 30, 15, 654321, tzinfo=dt.UTC), tick=False):
        for extra in texts:
            organised = helpers.meeting(org, **extra)
            unorganised = helpers.meeting(org, days=200, **extra)
            Meeting.objects.filter(pk=unorganised.pk).update(organiser=None)
            for meeting in (organised, Meeting.objects.select_related("host").get(pk=unorganised.pk)):
                participants = list(Participant.objects.filter(meeting=meeting).select_related("person"))
                for status in ("planned", "confirmed", "held", "cancelled"):
                    meeting.status = status
                    for summary in (None, "Besøg: Anna, Bo; og ^Cæcilie"):
                        with translation.override(language):
                            written = ics.meeting_ics(meeting, participants, summary=summary)
                            reference = ics._meeting_ics_icalendar(meeting, participants, summary=summary)
                            assert written == reference
