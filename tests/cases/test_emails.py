"""Every email of the case flow goes through the outbox, once per person and event, and
its link opens for its reader."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.core import mail

from cases import services
from cases.models import Hearing
from cases.tasks import queue_due_reminders
from outbox.models import Email
from tests.factories import UserFactory, grant

from .helpers import ANSWER, committee_meeting, hearing_of, make_case

pytestmark = pytest.mark.django_db


def _sent(family: str) -> list[Email]:
    return list(Email.objects.filter(family=family).select_related("recipient").order_by("pk"))


def _links(message) -> list[str]:
    return [urlparse(url).path for url in re.findall(r"https?://\S+", message.body)]


def _assert_links_open(client_for, messages):
    assert messages
    for message in messages:
        reader = Email.objects.filter(to_address=message.to[0], family__startswith="cases.").first().recipient
        paths = _links(message)
        assert paths, message.body
        for path in paths:
            assert client_for(reader).get(path).status_code == 200, (reader, path)


def test_opening_the_hearing_tells_the_leader_union_rep_and_med_contact_once(
    org, client_for, django_capture_on_commit_callbacks
):
    meeting = committee_meeting(org)  # its own invitations are the meetings app's
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(org, meeting=meeting)
    rows = _sent("cases.hearing_opened")
    assert {row.recipient for row in rows} == {org.leader, org.union_rep, org.med_contact}
    # The meeting's own invitations go through the same outbox: keep to the case's emails.
    case_mail = [m for m in mail.outbox if m.extra_headers.get("Message-ID", "").startswith("<cases.")]
    assert sorted(m.to[0] for m in case_mail) == sorted([org.leader.email, org.union_rep.email, org.med_contact.email])
    assert all(row.sent_at for row in Email.objects.filter(family="cases.hearing_opened"))
    for message in case_mail:
        assert "Sammenlægning af SFO'er" in message.subject
    _assert_links_open(client_for, case_mail)
    # The same event again is no new email.
    from cases import emails

    with django_capture_on_commit_callbacks(execute=True):
        emails.hearing_opened(hearing_of(case))
    assert Email.objects.filter(family="cases.hearing_opened").count() == 3
    assert len([m for m in mail.outbox if m.extra_headers.get("Message-ID", "").startswith("<cases.")]) == 3


def test_reminders_go_once_each_before_the_deadline_and_not_after_an_answer(
    org, settings, django_capture_on_commit_callbacks
):
    settings.CASES_REMINDER_DAYS = [5, 1]
    case = make_case(org)
    hearing = hearing_of(case)
    mail.outbox.clear()
    opened = hearing.opened_at.date()
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_due_reminders(today=hearing.deadline - dt.timedelta(days=6)) == 0
        queue_due_reminders(today=hearing.deadline - dt.timedelta(days=5))
        queue_due_reminders(today=hearing.deadline - dt.timedelta(days=4))  # the 5-day one again: no new row
        queue_due_reminders(today=hearing.deadline - dt.timedelta(days=1))
        queue_due_reminders(today=hearing.deadline)
    assert opened <= hearing.deadline - dt.timedelta(days=5)
    keys = sorted(row.key for row in _sent("cases.hearing_reminder"))
    assert keys == [
        f"cases.hearing_reminder:{hearing.pk}:{org.leader.pk}:1d",
        f"cases.hearing_reminder:{hearing.pk}:{org.leader.pk}:5d",
    ]
    reminders = [m for m in mail.outbox if m.subject.startswith("Påmindelse")]
    assert [m.to for m in reminders] == [[org.leader.email], [org.leader.email]]


def test_a_reminder_due_after_the_answer_is_not_sent(org, settings, django_capture_on_commit_callbacks):
    settings.CASES_REMINDER_DAYS = [1]
    case = make_case(org)
    hearing = hearing_of(case)
    Email.objects.all().delete()
    mail.outbox.clear()
    # Queued as due, then answered before a worker sent it: the builder skips it.
    from cases import emails

    emails.hearing_reminder(hearing, 1)
    services.hearing_submit(hearing=hearing, answer=ANSWER, version=hearing.version, by=org.leader)
    from outbox.services import send_batch

    send_batch()
    row = Email.objects.get(family="cases.hearing_reminder")
    assert row.outcome == Email.Outcome.SKIPPED and mail.outbox == []


def test_invitations_speaking_and_the_decision_reach_each_person_once(
    org, client_for, django_capture_on_commit_callbacks
):
    fagleder = UserFactory(email="fagleder@test.example", full_name="Frida Fagleder")
    from organisation.models import Role

    grant(fagleder, Role.EMPLOYEE, workplace=org.workplace)
    meeting = committee_meeting(org)
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(org, meeting=meeting)
    hearing = hearing_of(case)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader)
        services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader)
    assert [m.to for m in mail.outbox] == [[org.employee.email]]
    _assert_links_open(client_for, mail.outbox)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_ask_to_speak(
            hearing=hearing, presenter=fagleder, presenter_name="", presenter_title="Fagleder"
        )
        services.hearing_decide_speaking(hearing=hearing, by=org.chair, accept=True, minutes=10)
    speaking = [m for m in mail.outbox if "foretræde" in m.subject]
    assert sorted(m.to[0] for m in speaking) == sorted([org.leader.email, fagleder.email])
    _assert_links_open(client_for, speaking)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_submit(
            hearing=hearing, answer=ANSWER, version=Hearing.objects.get(pk=hearing.pk).version, by=org.leader
        )
        case = services.case_mark_ready(case=case, by=org.admin)
        case = services.case_mark_treated(case=case, by=org.admin)
        services.case_decide(
            case=case, by=org.admin, decision_text="Godkendt.", answers_used="Tidspunktet blev flyttet."
        )
    decided = [m for m in mail.outbox if m.subject.startswith("Besluttet")]
    assert sorted(m.to[0] for m in decided) == sorted([org.leader.email, org.union_rep.email, org.med_contact.email])
    assert all("Tidspunktet blev flyttet." in m.body for m in decided)
    _assert_links_open(client_for, decided)
    assert Email.objects.filter(family="cases.decision").count() == 3


def test_a_person_holding_two_of_the_roles_is_told_once(org, client_for, django_capture_on_commit_callbacks):
    """The union representative who is also the MED contact gets one email; a leader who is
    also the MED contact gets one, with the link to answer."""
    from organisation.models import Role

    grant(org.union_rep, Role.MED_CONTACT, workplace=org.workplace)
    grant(org.leader, Role.MED_CONTACT, workplace=org.workplace)
    meeting = committee_meeting(org)
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(org, meeting=meeting)
    rows = _sent("cases.hearing_opened")
    assert sorted(row.recipient.email for row in rows) == sorted(
        [org.leader.email, org.union_rep.email, org.med_contact.email]
    )
    case_mail = [m for m in mail.outbox if m.extra_headers.get("Message-ID", "").startswith("<cases.")]
    assert sorted(m.to[0] for m in case_mail) == sorted([org.leader.email, org.union_rep.email, org.med_contact.email])
    to_leader = next(m for m in case_mail if m.to == [org.leader.email])
    from django.urls import reverse

    assert reverse("cases:hearing", args=[hearing_of(case).pk]) in to_leader.body
    _assert_links_open(client_for, case_mail)
