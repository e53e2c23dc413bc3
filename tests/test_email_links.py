"""Every link in every email Samspil sends works for the person who gets it.

The test drives every flow that sends mail — through the pages where a person starts it,
and through the task the beat would call where time starts it — then reads each email
(text, HTML, and the URL of an attached calendar event) and requests every link with a
client logged in as that email's recipient. None may answer 404 or 403.

Emails are collected from Django's locmem outbox with eager tasks, so the test holds
whatever machinery sends them; every beat task runs after each flow, so mail that waits
for a scan goes out too. The rendered templates are recorded, and every email template
in the repository must have been rendered: a new email without a row here fails.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from codex.tasks import send_due_reminders
from meetings.models import Booking, Meeting
from organisation.models import Role
from stories.models import Follow, iso_week_label
from tests.conftest import ROOT
from tests.factories import UserFactory, grant
from tests.meetings import helpers

LINK = re.compile(r"https?://[^\s<>\"')]+")
# Email templates that come with allauth and that Samspil sends (password reset).
ALLAUTH_EMAILS = {"account/email/password_reset_key_message"}


def email_templates_in_the_repository() -> set[str]:
    """Every email body template: <app>/templates/<name>/email/<x>.txt, subjects aside."""
    names = set()
    for path in ROOT.glob("**/templates/**/email/*.txt"):
        # Subjects aside, and partials (_greeting, _footer) that emails include.
        if ".venv" in path.parts or path.stem.endswith("_subject") or path.stem.startswith("_"):
            continue
        relative = path.relative_to(next(p for p in path.parents if p.name == "templates"))
        names.add(str(relative.with_suffix("")))
    return names


@pytest.fixture
def rendered():
    names: set[str] = set()

    def record(sender, template, context, **kwargs):
        if template.name and "/email/" in template.name:
            names.add(str(Path(template.name).with_suffix("")))

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def links_of(message) -> list[str]:
    parts = [message.body]
    for content, mimetype in getattr(message, "alternatives", []):
        parts.append(content if isinstance(content, str) else content.decode())
        del mimetype
    for attachment in message.attachments:
        if isinstance(attachment, tuple):
            content = attachment[1]
            parts.append(content.decode() if isinstance(content, bytes) else str(content))
    text = "\n".join(parts)
    # Unfold iCalendar lines (RFC 5545: CRLF + one space continues a line).
    text = re.sub(r"\r?\n[ \t]", "", text)
    links = LINK.findall(text)
    return [link.rstrip(".,;") for link in links]


def test_every_link_in_every_email_answers_its_reader(org, settings, django_capture_on_commit_callbacks, rendered):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COVERAGE_NUDGE_CHAIRS = True
    settings.SITE_URL = "http://samspil.test:8300"

    def as_user(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def beat() -> None:
        """Every task the beat schedule names, as the beat would call it."""
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            module, name = entry["task"].rsplit(".", 1)
            with django_capture_on_commit_callbacks(execute=True):
                getattr(import_module(module), name).apply()

    def step(action) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            action()
        beat()

    chair, leader, member, admin = as_user(org.chair), as_user(org.leader), as_user(org.member), as_user(org.admin)
    in_three_days = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

    # --- Meetings: invitation, update, added participant, reminders, cancellation -------
    meeting_form = {
        "kind": helpers.kind("dialogue").pk,
        "title": "Dialogmøde om trivsel",
        "date": in_three_days,
        "start": "16:00",
        "end": "18:00",
        "committee": org.committee.pk,
        "host": org.workplace.pk,
        "purpose": "At lære skolen at kende.",
    }
    step(lambda: chair.post(reverse("meetings:meeting_create"), meeting_form))
    meeting = Meeting.objects.get(title="Dialogmøde om trivsel")
    for guest in (org.employee, org.other_member):
        step(
            lambda guest=guest: chair.post(
                reverse("meetings:meeting_participants", args=[meeting.pk]), {"email": guest.email, "role": "guest"}
            )
        )
    step(lambda: chair.post(reverse("meetings:meeting_edit", args=[meeting.pk]), {**meeting_form, "start": "17:00"}))
    step(lambda: chair.post(reverse("meetings:meeting_create"), {**meeting_form, "title": "Aflyses"}))
    cancelled = Meeting.objects.get(title="Aflyses")
    step(lambda: chair.post(reverse("meetings:meeting_cancel", args=[cancelled.pk]), {"reason": "Budget"}))
    # Minutes missing: a meeting that took place three days ago without minutes.
    step(lambda: helpers.meeting(org, days=-3, title="Afholdt uden referat"))

    # --- Minutes: asked to read the draft by a deadline, reminded the day before -------
    to_read = helpers.meeting(org, days=-1, title="Referat til læsning")
    step(
        lambda: chair.post(reverse("meetings:minutes_edit", args=[to_read.pk]), {"text": "1. Velkomst", "version": "0"})
    )
    read_by = timezone.localdate() + dt.timedelta(days=3)
    step(
        lambda: chair.post(
            reverse("meetings:minutes_reading", args=[to_read.pk]),
            {"people": [org.member.pk, org.leader.pk], "deadline_date": read_by.isoformat(), "deadline_time": "12:00"},
        )
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=2, hours=12)):
        beat()

    # --- Visits: booked, confirmed, moved, cancelled ------------------------------------
    first, second = helpers.slot(org, days=10), helpers.slot(org, days=12)
    step(lambda: member.post(reverse("meetings:visit_book", args=[first.pk]), {"purpose": "Se indskolingen"}))
    booking = Booking.objects.get(member=org.member, status="booked")
    step(lambda: leader.post(reverse("meetings:booking_confirm", args=[booking.pk])))
    step(lambda: member.post(reverse("meetings:booking_move", args=[booking.pk]), {"slot": second.pk, "reason": "Syg"}))
    moved = Booking.objects.get(member=org.member, status="booked")
    step(lambda: member.post(reverse("meetings:booking_cancel", args=[moved.pk]), {"reason": "Byrådsmøde"}))
    # The leader's answers: declined; another time proposed and accepted; proposed and declined.
    third, fourth, fifth = helpers.slot(org, days=13), helpers.slot(org, days=14), helpers.slot(org, days=15)
    for slot in (third, fourth):
        step(lambda slot=slot: member.post(reverse("meetings:visit_book", args=[slot.pk]), {"purpose": "Trivsel"}))
    declined = Booking.objects.get(member=org.member, slot=third)
    step(lambda: leader.post(reverse("meetings:booking_decline", args=[declined.pk]), {"reason": "Temadag"}))
    proposed = Booking.objects.get(member=org.member, slot=fourth)
    step(
        lambda: leader.post(
            reverse("meetings:booking_propose", args=[proposed.pk]), {"slot": fifth.pk, "reason": "Tur"}
        )
    )
    step(lambda: member.post(reverse("meetings:booking_proposal", args=[proposed.pk]), {"answer": "accept"}))
    sixth, seventh = helpers.slot(org, days=20), helpers.slot(org, days=22)
    step(lambda: member.post(reverse("meetings:visit_book", args=[sixth.pk]), {"purpose": "Læsning"}))
    rejected = Booking.objects.get(member=org.member, slot=sixth)
    step(
        lambda: leader.post(
            reverse("meetings:booking_propose", args=[rejected.pk]), {"slot": seventh.pk, "reason": "Syg"}
        )
    )
    step(
        lambda: member.post(
            reverse("meetings:booking_proposal", args=[rejected.pk]), {"answer": "decline", "reason": "Nej tak"}
        )
    )

    # --- Questions: asked (leader, copied to the centre head), deadline moved, handed over,
    # answered ---------------------------------------------------------------------------
    from questions.models import Question
    from tests.questions.helpers import TEXT

    question_form = {
        "committee": org.committee.pk,
        "workplaces": [org.workplace.pk],
        "text": TEXT,
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "not_about_a_person": "on",
    }
    step(lambda: member.post(reverse("questions:ask"), question_form))
    question = Question.objects.get()
    later = (question.deadline + dt.timedelta(days=7)).isoformat()
    step(
        lambda: leader.post(
            reverse("questions:move_deadline", args=[question.pk]), {"deadline": later, "reason": "Ferie"}
        )
    )
    step(lambda: leader.post(reverse("questions:hand_over", args=[question.pk]), {"assignee": org.employee.pk}))
    step(
        lambda: as_user(org.employee).post(reverse("questions:answer", args=[question.pk]), {"answer": "Hver tirsdag."})
    )

    # --- A word before the press: told (chair, director), acknowledged (the leader) -----
    from earlywords.models import EarlyWord

    word = {
        "subject": "Klage over skolebussen",
        "about": "Forældre har skrevet til avisen om forsinkede busser.",
        "action": "Vi taler med busselskabet.",
        "contact_name": "Skolens leder",
        "contact_phone": "58 57 10 00",
        "workplace": org.workplace.pk,
    }
    step(lambda: leader.post(reverse("earlywords:give"), word))
    early_word = EarlyWord.objects.get()
    step(lambda: chair.post(reverse("earlywords:acknowledge", args=[early_word.pk])))

    # --- Committee cases: hearing opened, contribution invited, reminders, speaking decided,
    # decision fed back -------------------------------------------------------------------
    from cases import services as case_services
    from cases.tasks import queue_due_reminders
    from tests.cases.helpers import committee_meeting, hearing_of, make_case

    case_meeting = committee_meeting(org)
    case_holder = {}
    step(lambda: case_holder.setdefault("case", make_case(org, meeting=case_meeting)))
    case = case_holder["case"]
    hearing = hearing_of(case)
    step(lambda: case_services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader))
    step(lambda: queue_due_reminders(today=hearing.deadline - dt.timedelta(days=1)))
    step(
        lambda: case_services.hearing_ask_to_speak(
            hearing=hearing, presenter=org.employee, presenter_name="", presenter_title="Fagleder"
        )
    )
    step(lambda: case_services.hearing_decide_speaking(hearing=hearing, by=org.chair, accept=True, minutes=10))

    def decide():
        from cases.models import Hearing

        fresh = Hearing.objects.get(pk=hearing.pk)
        case_services.hearing_submit(hearing=fresh, answer="Vi er enige.", version=fresh.version, by=org.leader)
        ready = case_services.case_mark_ready(case=case, by=org.admin)
        treated = case_services.case_mark_treated(case=ready, by=org.admin)
        case_services.case_decide(case=treated, by=org.admin, decision_text="Godkendt.", answers_used="Fulgt.")

    step(decide)

    # --- Accounts: an invitation to a new account, password resets ----------------------
    from tests.organisation.test_import import _enrol_mfa

    _enrol_mfa(org.admin)
    step(lambda: admin.post(reverse("accounts:invitations"), {"full_name": "Nina Lund", "email": "nina@example.org"}))
    step(lambda: Client().post(reverse("account_reset_password"), {"email": org.leader.email}))
    # An unknown address gets no email: sign-up is by invitation, a sign-up link would lead nowhere.
    step(lambda: Client().post(reverse("account_reset_password"), {"email": "unknown@example.org"}))

    # --- Organisation: a role ended, the administrators are told ------------------------
    ended_person = UserFactory(email="ended@test.example", full_name="Ended Person")
    grant(
        ended_person,
        Role.EMPLOYEE,
        workplace=org.workplace,
        starts_on=dt.date(2024, 1, 1),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )

    # --- Agreements: deadlines of the yearly cycle (leader, centre head) ----------------
    from agreements.models import Agreement, CycleDeadline
    from tests.agreements.helpers import make_agreement

    agreement = make_agreement(org, Agreement.Status.IN_DIALOGUE)
    due = timezone.localdate() + dt.timedelta(days=3)
    for kind in ("signatures_due", "dialogue_meeting"):
        CycleDeadline.objects.create(template=agreement.template, kind=kind, due_on=due, label=kind)

    # --- Codex: a reminder round, one interval after publishing -------------------------
    from tests.codex.helpers import publish_version

    publish_version(org.admin)
    later = timezone.now() + dt.timedelta(days=settings.CODEX_REMINDER_AFTER_DAYS[0], hours=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        send_due_reminders.apply()

    # --- Stories: last week's digest to followers ---------------------------------------
    from stories.services import week_bounds
    from tests.stories.helpers import make_story

    last_week = iso_week_label(timezone.localdate() - dt.timedelta(days=7))
    Follow.objects.create(person=org.member, committee=org.committee)
    Follow.objects.create(person=org.chair, workplace=org.workplace)
    make_story(
        org.workplace, org.employee, title="Ugens historie", published_at=week_bounds(last_week)[0] + dt.timedelta(1)
    )
    # A challenge sent to the committee last week (in the digest next to the stories), and
    # a member's answer to it, which the author and the leader are told about.
    from tests.stories.helpers import make_challenge

    challenge = make_challenge(
        org.workplace, org.employee, title="Ugens udfordring", published_at=week_bounds(last_week)[0] + dt.timedelta(1)
    )
    step(lambda: member.post(reverse("stories:reply", args=[challenge.pk]), {"text": "Vi vil gerne høre mere."}))

    # The time-driven families (ended roles, agreement deadlines, codex reminders, the
    # stories digest, the monthly coverage digest) go out when the beat runs.
    beat()
    from stories.tasks import send_weekly_digests

    step(lambda: send_weekly_digests.apply(args=[last_week]))

    # --- Notifications: one email per event (the dialogue above, at once by default) and
    # the next morning's summary for those who chose it (the leader, for comments) ------
    from agreements.services import comment_add
    from notifications.models import Preference
    from notifications.tasks import send_daily_digests
    from tests.agreements.helpers import own_goal

    Preference.objects.create(person=org.leader, kind="agreement_comment", delivery="daily")
    step(lambda: comment_add(goal=own_goal(agreement), author=org.member, text="Hvordan måler I det?"))
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        send_daily_digests.apply()

    # --- Every link, as its reader --------------------------------------------------------
    site = urlsplit(settings.SITE_URL)
    people = {person.email: person for person in get_user_model().objects.all()}
    checked: dict[tuple[str, str], int] = {}
    failures = []
    recipients = set()
    for message in mail.outbox:
        (address,) = message.to
        reader = people.get(address)
        recipients.add(address)
        # The anonymous reader: a new person's invitation to their account.
        client = as_user(reader) if reader is not None else Client()
        links = links_of(message)
        if not links:
            failures.append(f"{address} · {message.subject}: no link to Samspil")
        for link in links:
            parts = urlsplit(link)
            if parts.netloc != site.netloc:
                failures.append(f"{address} · {message.subject}: {link} is not on {settings.SITE_URL}")
                continue
            key = (address, parts.path + (f"?{parts.query}" if parts.query else ""))
            if key in checked:
                continue
            response = client.get(key[1], follow=True)
            checked[key] = response.status_code
            if response.status_code in (403, 404):
                failures.append(f"{address} · {message.subject}: {key[1]} answers {response.status_code}")
    assert not failures, "\n".join(failures)

    # Every kind of recipient got mail, and every email template was rendered.
    expected = {
        org.chair.email,
        org.member.email,
        org.leader.email,
        org.employee.email,
        org.other_member.email,
        org.admin.email,
        org.centre_head.email,
        org.union_rep.email,
        org.med_contact.email,
        settings.PRIVACY_CONTACT,
        "nina@example.org",
    }
    assert expected <= recipients, expected - recipients
    assert "unknown@example.org" not in recipients
    templates = email_templates_in_the_repository() | ALLAUTH_EMAILS
    assert templates - rendered == set(), "emails this test does not send yet"
    assert len(checked) >= 20

    # Every one of these emails went through the one outbox: its Message-ID names the row
    # (outbox.services.message_id), which says it was sent to that address.
    from outbox.models import Email

    bypassed = []
    for message in mail.outbox:
        found = re.fullmatch(r"<([\w.]+)-(\d+)@[^>]+>", message.extra_headers.get("Message-ID", ""))
        row = found and Email.objects.filter(pk=found.group(2), family=found.group(1)).first()
        if not row or row.outcome != Email.Outcome.SENT or row.address != message.to[0]:
            bypassed.append(f"{message.to} · {message.subject}")
    assert not bypassed, "sent outside the outbox:\n" + "\n".join(bypassed)
    families = {row.family for row in Email.objects.filter(outcome=Email.Outcome.SENT)}
    assert {"accounts.allauth", "codex.chain_anchor", "organisation.memberships_ended"} <= families
