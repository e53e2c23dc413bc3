"""Minutes people can use (issue 16, point 5): a draft that starts from the agenda,
attendance recorded on the minutes, reading before the lock with a deadline, and
"Slettet person" only where history needs it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import person_erase
from meetings import minutes as minutes_services
from meetings import services
from meetings.models import AgendaItem, MeetingLogEntry, Minutes, MinutesComment, MinutesReadRequest, Participant
from outbox.models import Email
from outbox.services import send_batch
from tests.factories import UserFactory
from tests.meetings import helpers

FAMILY = minutes_services.FAMILY


def _agenda(meeting, org):
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, order=1, title="Velkomst", presenter=org.chair),
            AgendaItem(meeting=meeting, order=2, title="Rundvisning", presenter_text="Pedellen"),
            AgendaItem(meeting=meeting, order=3, title="Eventuelt"),
        ]
    )


def _deadline(days: int = 3) -> dt.datetime:
    return helpers.at(days, 12)


# --- 1. The draft starts from the agenda ---------------------------------------------------


def test_a_new_draft_has_one_section_per_agenda_item_with_its_presenter(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    AgendaItem.objects.filter(meeting=meeting).delete()
    _agenda(meeting, org)
    page = client_for(org.chair).get(reverse("meetings:minutes_edit", args=[meeting.pk]))
    assert page.status_code == 200
    text = page.context["form"].initial["text"]
    assert text.startswith("1. Velkomst (oplægsholder: Chair)\n")
    assert "2. Rundvisning (oplægsholder: Pedellen)" in text and "3. Eventuelt\n" in text
    # Saved as written, it is the first version.
    client_for(org.chair).post(
        reverse("meetings:minutes_edit", args=[meeting.pk]), {"text": text + "\nAlle var glade.", "version": "0"}
    )
    assert Minutes.objects.get(meeting=meeting).text.startswith("1. Velkomst")


def test_existing_minutes_are_not_replaced_by_the_agenda(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    _agenda(meeting, org)
    services.minutes_save(meeting=meeting, author=org.chair, text="Vores eget referat", based_on_version=0)
    page = client_for(org.chair).get(reverse("meetings:minutes_edit", args=[meeting.pk]))
    assert page.context["form"].initial["text"] == "Vores eget referat"


def test_an_erased_presenter_is_left_out_of_the_new_draft(org):
    meeting = helpers.meeting(org, days=-1)
    AgendaItem.objects.filter(meeting=meeting).delete()
    presenter = UserFactory(full_name="Tidligere Oplægsholder")
    AgendaItem.objects.create(meeting=meeting, order=1, title="Oplæg", presenter=presenter)
    person_erase(person=presenter)
    text = minutes_services.outline(meeting)
    assert "Slettet person" not in text and text.startswith("1. Oplæg\n")


# --- 2. Attendance ---------------------------------------------------------------------------


def _attendance_form(meeting, **marks_by_person) -> dict:
    data = {"others": "Jens Holm, pedel"}
    for participant in Participant.objects.filter(meeting=meeting):
        data[f"p{participant.pk}"] = marks_by_person.get(participant.person.email, "present")
    return data


def test_the_writer_records_who_came_and_the_minutes_and_print_show_it(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    chair = client_for(org.chair)
    url = reverse("meetings:minutes_attendance", args=[meeting.pk])
    page = chair.get(url)
    assert page.status_code == 200 and "Medlem" not in page.content.decode()  # names as in the org
    response = chair.post(url, _attendance_form(meeting, **{org.member.email: "excused"}))
    assert response.status_code == 302
    marks = dict(Participant.objects.filter(meeting=meeting).values_list("person__email", "attendance"))
    assert marks == {org.chair.email: "present", org.member.email: "excused", org.leader.email: "present"}
    assert Minutes.objects.get(meeting=meeting).other_attendees == "Jens Holm, pedel"
    services.minutes_save(meeting=meeting, author=org.chair, text="Referat", based_on_version=0)
    services.minutes_lock(meeting=meeting, actor=org.chair)
    for client, name in ((client_for(org.employee), "meetings:meeting"), (chair, "meetings:meeting_print")):
        html = client.get(reverse(name, args=[meeting.pk])).content.decode()
        section = html[html.index('data-testid="attendance"') :]
        assert "Til stede (3)" in section and "Jens Holm, pedel" in section
        assert "Afbud (1)" in section and "Member" in section.split("Afbud")[1]
    # Locked: attendance no longer changes.
    assert chair.post(url, _attendance_form(meeting)).status_code == 302
    assert Participant.objects.get(meeting=meeting, person=org.member).attendance == "excused"


def test_only_those_responsible_for_the_minutes_record_attendance(org, client_for):
    meeting = helpers.meeting(org, days=-1)
    url = reverse("meetings:minutes_attendance", args=[meeting.pk])
    assert client_for(org.member).post(url, _attendance_form(meeting)).status_code == 403
    assert client_for(org.leader).get(url).status_code == 200
    assert set(Participant.objects.values_list("attendance", flat=True)) == {""}


def test_attendance_waits_for_the_meeting_to_start(org, client_for):
    meeting = helpers.meeting(org, days=3)
    response = client_for(org.chair).get(reverse("meetings:minutes_attendance", args=[meeting.pk]))
    assert response.status_code == 403


# --- 3. Reading before the lock --------------------------------------------------------------


def _written(org, **extra):
    meeting = helpers.meeting(org, days=-1, **extra)
    services.minutes_save(meeting=meeting, author=org.chair, text="1. Velkomst\n\nAlle mødte.", based_on_version=0)
    return meeting


def _ask(client, meeting, people, deadline):
    local = timezone.localtime(deadline)
    return client.post(
        reverse("meetings:minutes_reading", args=[meeting.pk]),
        {
            "people": [p.pk for p in people],
            "deadline_date": local.date().isoformat(),
            "deadline_time": local.strftime("%H:%M"),
        },
    )


def test_the_writer_asks_participants_to_read_by_a_deadline_and_sees_who_has_read(org, client_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    meeting = _written(org)
    chair, member, leader = client_for(org.chair), client_for(org.member), client_for(org.leader)
    form = chair.get(reverse("meetings:minutes_reading", args=[meeting.pk]))
    # Offered: the participants who did not decline, the writer aside.
    assert sorted(form.context["form"].initial["people"]) == sorted([org.member.pk, org.leader.pk])
    assert _ask(chair, meeting, [org.member, org.leader], _deadline()).status_code == 302
    assert sorted(MinutesReadRequest.objects.values_list("person__email", flat=True)) == sorted(
        [org.member.email, org.leader.email]
    )
    # One email each, with a link that works for its reader.
    send_batch()
    asked = {message.to[0]: message for message in mail.outbox}
    assert set(asked) == {org.member.email, org.leader.email}
    link = f"{settings.SITE_URL}{meeting.get_absolute_url()}#minutes-heading"
    assert link in asked[org.member.email].body
    page = member.get(meeting.get_absolute_url())
    assert 'data-testid="my-reading"' in page.content.decode()
    # The member reads and proposes a correction.
    assert member.post(reverse("meetings:minutes_read", args=[meeting.pk])).status_code == 302
    assert member.post(reverse("meetings:minutes_comment", args=[meeting.pk]), {"text": "Ret: Eva mødte ikke."})
    request = MinutesReadRequest.objects.get(person=org.member)
    assert request.read_at is not None and request.read_version == 1
    assert MinutesComment.objects.get().text == "Ret: Eva mødte ikke."
    html = chair.get(meeting.get_absolute_url()).content.decode()
    reading = html[html.index('data-testid="reading"') :]
    assert "1 af 2 har læst udkastet" in reading
    assert "Ret: Eva mødte ikke." in html
    # Asking again moves the deadline but sends nobody a second request.
    assert _ask(chair, meeting, [org.member, org.leader], _deadline(5)).status_code == 302
    assert Email.objects.filter(family=FAMILY, key__endswith=":ask").count() == 2
    # Someone not asked cannot mark the draft read.
    assert leader.post(reverse("meetings:minutes_read", args=[meeting.pk])).status_code == 302
    assert client_for(org.employee).post(reverse("meetings:minutes_read", args=[meeting.pk])).status_code == 403


def test_locking_before_the_deadline_warns_with_who_has_not_read(org, client_for):
    meeting = _written(org)
    chair = client_for(org.chair)
    _ask(chair, meeting, [org.member, org.leader], _deadline())
    minutes_services.mark_read(meeting=meeting, person=org.member)
    response = chair.post(reverse("meetings:minutes_lock", args=[meeting.pk]), {"confirm": "on"})
    assert response.status_code == 409
    warning = response.content.decode()
    assert 'data-testid="unread-warning"' in warning and "Leader" in warning
    assert "Member" not in warning.split('data-testid="unread-warning"')[1].split("</ul>")[0]
    assert not Minutes.objects.get(meeting=meeting).is_locked
    assert (
        chair.post(reverse("meetings:minutes_lock", args=[meeting.pk]), {"early": "1", "confirm": "on"}).status_code
        == 302
    )
    assert Minutes.objects.get(meeting=meeting).is_locked


def test_after_the_deadline_or_when_all_have_read_the_lock_does_not_warn(org, client_for):
    meeting = _written(org)
    chair = client_for(org.chair)
    _ask(chair, meeting, [org.member], _deadline(1))
    with time_machine.travel(_deadline(1) + dt.timedelta(minutes=1)):
        # A new session: the first one lies idle more than a day back by then.
        assert (
            client_for(org.chair)
            .post(reverse("meetings:minutes_lock", args=[meeting.pk]), {"confirm": "on"})
            .status_code
            == 302
        )
    other = _written(org, title="Andet møde")
    _ask(chair, other, [org.member], _deadline())
    assert MinutesReadRequest.objects.filter(minutes__meeting=other).count() == 1
    minutes_services.mark_read(meeting=other, person=org.member)
    assert chair.post(reverse("meetings:minutes_lock", args=[other.pk]), {"confirm": "on"}).status_code == 302
    assert Minutes.objects.filter(status="locked").count() == 2


def test_one_reminder_before_the_deadline_and_none_for_those_who_read(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    meeting = _written(org)
    deadline = _deadline(3)
    minutes_services.reading_ask(meeting=meeting, actor=org.chair, people=[org.member, org.leader], deadline=deadline)
    send_batch()
    assert len(mail.outbox) == 2
    minutes_services.mark_read(meeting=meeting, person=org.member)
    with time_machine.travel(deadline - dt.timedelta(hours=23)):
        send_batch()
        send_batch()
    reminders = mail.outbox[2:]
    assert [m.to[0] for m in reminders] == [org.leader.email]
    assert "Påmindelse" in reminders[0].subject
    skipped = Email.objects.get(
        key=f"{FAMILY}:{meeting.minutes.pk}:{org.member.pk}:reminder:{int(deadline.timestamp())}"
    )
    assert skipped.outcome == Email.Outcome.SKIPPED


def test_a_moved_deadline_reminds_once_at_the_new_time(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    meeting = _written(org)
    first, second = _deadline(2), _deadline(5)
    minutes_services.reading_ask(meeting=meeting, actor=org.chair, people=[org.member], deadline=first)
    minutes_services.reading_ask(meeting=meeting, actor=org.chair, people=[org.member], deadline=second)
    with time_machine.travel(first - dt.timedelta(hours=23)):
        send_batch()
    assert [m.subject for m in mail.outbox if "Påmindelse" in m.subject] == []
    with time_machine.travel(second - dt.timedelta(hours=23)):
        send_batch()
    assert len([m for m in mail.outbox if "Påmindelse" in m.subject]) == 1


def test_no_reminder_after_the_minutes_are_locked(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    meeting = _written(org)
    deadline = _deadline(3)
    minutes_services.reading_ask(meeting=meeting, actor=org.chair, people=[org.member], deadline=deadline)
    services.minutes_lock(meeting=meeting, actor=org.chair, early=True)
    with time_machine.travel(deadline - dt.timedelta(hours=23)):
        send_batch()
    assert [m for m in mail.outbox if "Påmindelse" in m.subject] == []


def test_a_deadline_in_the_past_and_people_outside_the_meeting_are_refused(org, client_for):
    meeting = _written(org)
    chair = client_for(org.chair)
    response = _ask(chair, meeting, [org.member], timezone.now() - dt.timedelta(hours=2))
    assert response.status_code == 400 and "deadline_date" in response.context["form"].errors
    response = _ask(chair, meeting, [org.employee], _deadline())
    assert response.status_code == 400 and "people" in response.context["form"].errors
    assert not MinutesReadRequest.objects.exists()


# --- 4. "Slettet person" only where history needs it ---------------------------------------


def test_erased_people_leave_current_lists_and_stay_in_locked_minutes(org, client_for):
    leaving = UserFactory(full_name="Gitte Går")
    draft = _written(org)
    locked = helpers.meeting(org, days=-2, title="Låst møde")
    future = helpers.meeting(org, days=5, title="Kommende møde")
    for m in (draft, locked, future):
        services.participant_add(meeting=m, person=leaving, role="guest", actor=org.chair)
    minutes_services.attendance_save(
        meeting=locked,
        actor=org.chair,
        marks={p.pk: "present" for p in Participant.objects.filter(meeting=locked)},
    )
    helpers.locked_minutes(locked, org.chair)
    person_erase(person=leaving)
    erased_name = f"Slettet person {leaving.pk}"
    chair = client_for(org.chair)
    # Current: the coming meeting, the draft's page, its attendance and reading forms.
    for url in (
        future.get_absolute_url(),
        draft.get_absolute_url(),
        reverse("meetings:minutes_attendance", args=[draft.pk]),
        reverse("meetings:minutes_reading", args=[draft.pk]),
    ):
        html = chair.get(url).content.decode()
        assert "Slettet person" not in html, url
    # History: the locked minutes' attendance names the erased person, as the log does.
    html = chair.get(locked.get_absolute_url()).content.decode()
    assert erased_name in html[html.index('data-testid="attendance"') :]
    assert MeetingLogEntry.objects.filter(meeting=locked, action="participant.added").exists()


def test_erasure_takes_the_persons_open_read_requests_and_comments_along(org):
    meeting = _written(org)
    minutes_services.reading_ask(meeting=meeting, actor=org.chair, people=[org.member], deadline=_deadline())
    minutes_services.comment_add(meeting=meeting, author=org.member, text="Ret punkt 1.")
    person_erase(person=org.member)
    assert not MinutesReadRequest.objects.exists() and not MinutesComment.objects.exists()
    # And the lock no longer waits for them.
    services.minutes_lock(meeting=meeting, actor=org.chair)


@pytest.mark.parametrize("url_name", ["minutes_attendance", "minutes_reading"])
def test_locked_minutes_send_the_writer_back_to_the_meeting(org, client_for, url_name):
    meeting = helpers.locked_minutes(helpers.meeting(org, days=-1), org.chair)
    response = client_for(org.chair).get(reverse(f"meetings:{url_name}", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
