"""The start page tells the leader, the union representative and the MED contact, the
invited employee, the chair and the secretariat
what the cases need from them; the demo shows the whole flow."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.models import Case, Hearing
from tests.meetings.helpers import meeting as make_meeting

from .helpers import committee_meeting, hearing_of, make_case, secretary

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    return html.unescape(client.get(reverse("portal:home")).content.decode())


def test_each_role_sees_its_next_step(org, client_for):
    case = make_case(org, meeting=committee_meeting(org, days=5))  # the deadline has passed
    hearing = hearing_of(case)
    assert f"Besvar høringen om “{case.title}” for Egeskovskolen" in _home(client_for(org.leader))
    chair = _home(client_for(org.chair))
    assert "Næste dagsorden" in chair and f"høringen om “{case.title}” er ikke afsluttet" in chair
    assert reverse("cases:agenda", args=[case.meeting_id]) in chair
    clerk = client_for(secretary(org))
    assert f"En høring om “{case.title}” har overskredet fristen." in _home(clerk)
    # The secretary reads the committee's case agenda (not a participant of its meetings).
    agenda = clerk.get(reverse("cases:agenda", args=[case.meeting_id]))
    assert agenda.status_code == 200 and "fristen overskredet" in agenda.content.decode()
    # The union representative and the MED contact follow the case; the employee does not.
    for person in (org.union_rep, org.med_contact):
        home = _home(client_for(person))
        assert f"Egeskovskolen høres om “{case.title}”" in home
        assert reverse("cases:detail", args=[case.pk]) in home
    assert "høres om" not in _home(client_for(org.employee))
    services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader)
    assert f"Giv dit bidrag til høringssvaret om “{case.title}”" in _home(client_for(org.employee))
    services.hearing_ask_to_speak(hearing=hearing, presenter=None, presenter_name="Frida", presenter_title="Fagleder")
    assert f"Egeskovskolen beder om foretræde om “{case.title}”" in _home(client_for(org.chair))
    # Strangers see none of it.
    assert case.title not in _home(client_for(org.other_leader))
    assert case.title not in _home(client_for(org.other_member))


def test_the_demo_shows_every_state_an_overdue_hearing_an_override_and_the_fagleder(client_for):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for committee in ("born-og-unge", "aeldre-og-sundhed"):
        states = set(Case.objects.filter(committee__slug=committee).values_list("status", flat=True))
        assert states == set(Case.Status.values), committee
    assert any(h.is_overdue() for h in Hearing.objects.filter(status="open"))
    assert Case.objects.filter(override_at__isnull=False).exclude(override_reason="").exists()
    spoke = Hearing.objects.get(workplace__slug="egeskovskolen", speaking="accepted")
    assert spoke.presenter.email == "fagleder@samspil.example" and spoke.case.status == "decided"
    leader = client_for(User.objects.get(email="leder@samspil.example"))
    assert "Besvar høringen om “Ny skolestruktur i Nord”" in _home(leader)
    # The school's MED contact is told of its hearings, by email and on the start page.
    med = User.objects.get(email="med@samspil.example")
    assert "Egeskovskolen høres om “Ny skolestruktur i Nord”" in _home(client_for(med))
    from outbox.models import Email

    assert Email.objects.filter(family="cases.hearing_opened", recipient=med).exists()
    assert "Næste dagsorden" in _home(client_for(User.objects.get(email="formand@samspil.example")))


def test_the_administrator_sees_the_five_overdue_hearings_whose_meetings_come_first(org, client_for):
    # The start page sorts the few overdue cases (cases/startpage.py), not every meeting.
    # Hours from now, not days from today at 16:00: after 16:00 a meeting "today" would be past.
    now = timezone.now()
    for n, days in enumerate((3, 0.5, 2.5, 1, 2, 1.5)):
        starts = now + dt.timedelta(days=days)
        meeting = make_meeting(
            org,
            title="Børne- og Ungeudvalgets møde",
            host=None,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )
        case = make_case(org, meeting=meeting)
        Case.objects.filter(pk=case.pk).update(title=f"Sag {n}")
    page = _home(client_for(org.admin))
    shown = [n for n in range(6) if f"En høring om “Sag {n}” har overskredet fristen." in page]
    assert shown == [1, 2, 3, 4, 5]  # every one but the meeting three days ahead
    assert page.index("“Sag 1”") < page.index("“Sag 3”") < page.index("“Sag 5”") < page.index("“Sag 4”")
