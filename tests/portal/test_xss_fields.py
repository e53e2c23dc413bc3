"""Stored XSS beyond stories: every field where a person writes text that others see.

The payload list of the stories app (tests/xss_payloads.py) goes into the workplace
description, the meetings' titles, purpose, framing, preparation notes, agenda items,
minutes, booking and cancel reasons, the agreements' introduction, goals, milestones and
comments, and a code-of-conduct self-evaluation note. Every page that shows them is
fetched as a person who can see them and parsed: nothing that can run script comes through.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import GoalComment, Milestone
from codex.models import SelfEvaluation
from meetings import services as meeting_services
from meetings.models import AgendaItem, BlockedPeriod, Booking
from tests.agreements.helpers import make_agreement, own_goal
from tests.codex.helpers import publish_version
from tests.meetings.helpers import booking, meeting
from tests.xss_payloads import PAYLOADS, assert_no_script_from_payload

pytestmark = pytest.mark.django_db

ALL = "\n\n".join(PAYLOADS)


@pytest.fixture
def hostile(org):
    org.workplace.description = ALL
    org.workplace.save(update_fields=["description"])

    # Meetings: one upcoming meeting per payload in the title, the long fields on the first.
    meetings = [
        meeting(org, days=14 + index, title=f"M{index} {payload}"[:200]) for index, payload in enumerate(PAYLOADS[:8])
    ]
    first = meetings[0]
    meeting_services.meeting_update(
        meeting=first, actor=org.chair, purpose=ALL, framing=ALL, preparation_notes=ALL, place=PAYLOADS[2]
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=first, order=index, title=payload, description=ALL, presenter_text=payload[:200])
        for index, payload in enumerate(PAYLOADS)
    )
    # Minutes in two versions, so the comparison page has a diff to show.
    past = meeting(org, days=-3, title=f"Past {PAYLOADS[0]}")
    meeting_services.minutes_save(meeting=past, author=org.chair, text=ALL, based_on_version=0)
    meeting_services.minutes_save(meeting=past, author=org.chair, text=ALL + "\n\n" + PAYLOADS[1], based_on_version=1)
    cancelled = meeting(org, days=30, title=f"Cancelled {PAYLOADS[3]}")
    meeting_services.meeting_cancel(meeting=cancelled, actor=org.chair, reason=ALL)

    # A booking with a hostile reason on a visit time with a hostile note.
    booked = booking(org, days=10, note=PAYLOADS[1][:300])
    Booking.objects.filter(pk=booked.pk).update(reason=ALL)
    BlockedPeriod.objects.create(
        workplace=org.workplace,
        starts_on=timezone.localdate() + dt.timedelta(days=40),
        ends_on=timezone.localdate() + dt.timedelta(days=41),
        reason=PAYLOADS[0],
        created_by=org.leader,
    )

    # Agreements: hostile introduction, goal fields, milestones and comments.
    agreement = make_agreement(org, goals=1)
    agreement_services.agreement_save_introduction(
        agreement=agreement, introduction=ALL, version=agreement.version, by=org.leader
    )
    goal = own_goal(agreement)
    for payload in PAYLOADS[:6]:
        agreement_services.goal_add(agreement=agreement, title=payload[:200], by=org.leader)
    goal.refresh_from_db()
    goal.why, goal.success, goal.indicator_name = ALL, ALL, PAYLOADS[0]
    goal.save(update_fields=["why", "success", "indicator_name"])
    Milestone.objects.bulk_create(
        Milestone(goal=goal, title=payload[:200], due_on=dt.date(2027, 3, 1)) for payload in PAYLOADS
    )
    comment = GoalComment.objects.create(goal=goal, author=org.member, text=ALL)
    GoalComment.objects.create(goal=goal, author=org.leader, text=ALL, reply_to=comment)
    # A second text change, so the revision comparison has two snapshots to diff.
    agreement.refresh_from_db()
    agreement_services.agreement_save_introduction(
        agreement=agreement, introduction=ALL + "\n" + PAYLOADS[5], version=agreement.version, by=org.leader
    )

    agreement = agreement_services.agreement_send_to_dialogue(agreement=agreement, by=org.leader)

    version = publish_version(org.admin)
    SelfEvaluation.objects.create(
        version=version, workplace=org.workplace, submitted_by=org.leader, note=ALL, submitted_at=timezone.now()
    )
    return {"meetings": meetings, "past": past, "cancelled": cancelled, "agreement": agreement, "booking": booked}


def test_every_page_that_shows_meeting_agreement_workplace_and_evaluation_text_neutralises_every_payload(
    org, client_for, hostile
):
    chair, member, leader, employee = (
        client_for(org.chair),
        client_for(org.member),
        client_for(org.leader),
        client_for(org.employee),
    )
    first, past, cancelled, agreement = (
        hostile["meetings"][0],
        hostile["past"],
        hostile["cancelled"],
        hostile["agreement"],
    )
    workplace, committee = org.workplace, org.committee
    pages = {
        "start page (member)": member.get("/"),
        "start page (leader)": leader.get("/"),
        "workplace": member.get(reverse("organisation:workplace", args=[workplace.slug])),
        "workplace edit": leader.get(reverse("organisation:workplace_edit", args=[workplace.slug])),
        "workplaces": member.get(reverse("organisation:workplaces")),
        "committee": member.get(reverse("organisation:committee", args=[committee.slug])),
        "my meetings (member)": member.get(reverse("meetings:mine")),
        "my meetings (employee)": employee.get(reverse("meetings:mine")),
        "meeting (member)": member.get(reverse("meetings:meeting", args=[first.pk])),
        "meeting (employee)": employee.get(reverse("meetings:meeting", args=[first.pk])),
        "meeting print": member.get(reverse("meetings:meeting_print", args=[first.pk])),
        "meeting edit": chair.get(reverse("meetings:meeting_edit", args=[first.pk])),
        "meeting agenda": chair.get(reverse("meetings:meeting_agenda", args=[first.pk])),
        "meeting participants": chair.get(reverse("meetings:meeting_participants", args=[first.pk])),
        "cancelled meeting": member.get(reverse("meetings:meeting", args=[cancelled.pk])),
        "past meeting": member.get(reverse("meetings:meeting", args=[past.pk])),
        "minutes edit": chair.get(reverse("meetings:minutes_edit", args=[past.pk])),
        "minutes compare": chair.get(reverse("meetings:minutes_compare", args=[past.pk]) + "?a=1&b=2"),
        "committee plan": member.get(reverse("meetings:committee_plan", args=[committee.slug])),
        "workplace meetings": leader.get(reverse("meetings:workplace_meetings", args=[workplace.slug])),
        "free times": member.get(reverse("meetings:visit_times")),
        "visit times (leader)": leader.get(reverse("meetings:workplace_visit_times", args=[workplace.slug])),
        "agreement list": member.get(reverse("agreements:list")),
        "agreement (member)": member.get(reverse("agreements:detail", args=[agreement.pk])),
        "agreement (leader)": leader.get(reverse("agreements:detail", args=[agreement.pk])),
        "agreement edit": leader.get(reverse("agreements:edit", args=[agreement.pk])),
        "agreement revisions": leader.get(reverse("agreements:revisions", args=[agreement.pk])),
        "partner goals": leader.get(reverse("agreements:partner_goals")),
        "self-evaluation": leader.get(reverse("codex:evaluation_workplace", args=[workplace.slug])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert_no_script_from_payload(response.content.decode(), name)
    # The text is shown, escaped, so people see what was written.
    for name in ("workplace", "meeting (member)", "agreement (member)", "self-evaluation", "visit times (leader)"):
        # (the visit-times page shows the blocked period's reason)
        assert "&lt;script&gt;alert(" in pages[name].content.decode(), name


def test_import_errors_that_echo_hostile_cells_are_shown_escaped(org, client_for, django_capture_on_commit_callbacks):
    from organisation.models import ImportJob, Workplace
    from tests.organisation.test_import import _enrol_mfa

    _enrol_mfa(org.admin)
    admin = client_for(org.admin)
    # Every payload as an unknown kind and committee, which the error messages quote.
    lines = ["navn;type;udvalg;email"] + [
        f"W{index};{p.replace(';', ',')};{p.replace(';', ',')};{p.replace(';', ',')}"
        for index, p in enumerate(PAYLOADS)
    ]
    upload = SimpleUploadedFile("w.csv", "\n".join(lines).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("organisation:import"), {"kind": "workplaces", "file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and len(job.errors) >= len(PAYLOADS)
    for page in (admin.get(response["Location"]), admin.get(response["Location"], HTTP_HX_REQUEST="true")):
        assert_no_script_from_payload(page.content.decode(), "import job")
        assert "&lt;script&gt;alert(" in page.content.decode()
    assert not Workplace.objects.filter(name__startswith="W").exists()
