"""Every (state, action, role) of the meeting's and the minutes' transition tables, through
the service (and HTTP where the step has a URL), against expectations written out here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Minutes
from meetings.visits import services as visit_services
from meetings.workflows import MEETING, MINUTES
from samspil.errors import ServiceError

from .helpers import meeting

pytestmark = pytest.mark.django_db

ROLES = ("admin", "director", "chair", "member", "leader", "employee", "centre_head", "other_leader", "nobody")
# The helper's meeting: organised by the chair, hosted by the leader's workplace; the chair,
# the member and the leader are invited.
CHANGERS = {"admin", "chair", "leader"}
INVITED = {"chair", "member", "leader"}

EXPECTED = {
    ("planned", "future"): {"edit": CHANGERS, "confirm": CHANGERS, "cancel": CHANGERS, "respond": INVITED},
    ("planned", "started"): {
        "edit": CHANGERS,
        "confirm": CHANGERS,
        "hold": CHANGERS,
        "cancel": CHANGERS,
        "respond": INVITED,
    },
    ("confirmed", "started"): {"edit": CHANGERS, "hold": CHANGERS, "cancel": CHANGERS, "respond": INVITED},
    ("held", "started"): {"edit": CHANGERS},
    ("cancelled", "future"): {},
}


class _Rollback(Exception):
    pass


def _attempt(fn):
    box = {}
    try:
        with transaction.atomic():
            box["value"] = fn()
            raise _Rollback
    except _Rollback:
        pass
    return box.get("value")


def _build(org, state: str, when: str) -> Meeting:
    if when == "future":
        m = meeting(org, days=14)
    else:  # started half an hour ago, not over
        now = timezone.now()
        m = meeting(org, starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(minutes=90))
    if state == "confirmed":
        services.meeting_confirm(meeting=m, actor=org.chair)
    elif state == "held":
        services.meeting_mark_held(meeting=m, actor=org.chair)
    elif state == "cancelled":
        services.meeting_cancel(meeting=m, actor=org.chair, reason="Sygdom")
    return Meeting.objects.get(pk=m.pk)


def test_the_tables_declare_these_actions_and_every_state():
    assert MEETING.actions == ["edit", "confirm", "hold", "cancel", "respond"]
    assert set(MEETING.states) == set(Meeting.Status.values)
    assert MINUTES.actions == ["write", "amend", "record_attendance", "ask_to_read", "read", "comment", "lock"]
    assert set(MINUTES.states) == set(Minutes.Status.values)


@pytest.mark.parametrize(("state", "when"), list(EXPECTED))
def test_every_meeting_action_and_role(org, state, when):
    m = _build(org, state, when)
    status_before = m.status
    mismatches = []
    for action in MEETING.actions:
        for role in ROLES:
            user = getattr(org, role)
            allowed = role in EXPECTED[(state, when)].get(action, set())
            fresh = Meeting.objects.get(pk=m.pk)
            if MEETING.is_available(user, fresh, action) != allowed:
                mismatches.append((state, when, action, role, "table"))
            call = {
                "confirm": lambda u=user: services.meeting_confirm(meeting=Meeting.objects.get(pk=m.pk), actor=u),
                "hold": lambda u=user: services.meeting_mark_held(meeting=Meeting.objects.get(pk=m.pk), actor=u),
                "cancel": lambda u=user: services.meeting_cancel(
                    meeting=Meeting.objects.get(pk=m.pk), actor=u, reason="Test"
                ),
            }.get(action)
            if call is not None:

                def via_service(call=call):
                    try:
                        call()
                    except (PermissionDenied, ServiceError):
                        return "refused", Meeting.objects.get(pk=m.pk).status
                    return "done", Meeting.objects.get(pk=m.pk).status

                result, after = _attempt(via_service)
                if (result == "done") != allowed or (after != status_before) != allowed:
                    mismatches.append((state, when, action, role, "service", result))
            url = {"hold": "meetings:meeting_held", "cancel": "meetings:meeting_cancel"}.get(action)
            if url is not None:
                client = Client()
                client.force_login(user)

                def via_http(client=client, url=url):
                    response = client.post(reverse(url, args=[m.pk]), {"reason": "Test"})
                    return response.status_code, Meeting.objects.get(pk=m.pk).status

                status, after = _attempt(via_http)
                if (after != status_before) != allowed or status not in ((302,) if allowed else (302, 400, 403, 404)):
                    mismatches.append((state, when, action, role, "http", status))
    assert mismatches == []


def test_minutes_lock_once_and_only_by_those_the_table_names(org):
    m = _build(org, "held", "started")
    services.minutes_save(meeting=m, author=org.chair, text="Referat", based_on_version=0)
    minutes = Minutes.objects.get(meeting=m)
    allowed = {role for role in ROLES if MINUTES.is_available(getattr(org, role), minutes, "lock")}
    assert allowed == {"admin", "chair", "leader"}  # organiser, host's leader, administrators
    with pytest.raises(PermissionDenied):
        services.minutes_lock(meeting=m, actor=org.member)
    services.minutes_lock(meeting=m, actor=org.chair)
    minutes.refresh_from_db()
    assert minutes.status == "locked" and minutes.locked_by == org.chair
    assert not any(
        MINUTES.is_available(getattr(org, role), minutes, action) for role in ROLES for action in MINUTES.actions
    )
    with pytest.raises(ServiceError):
        services.minutes_lock(meeting=m, actor=org.chair)


# The minutes of the helper's meeting (held yesterday), the member asked to read them.
WRITERS = {"admin", "chair", "member", "leader"}  # administrators, organiser, participants, host's leader
RESPONSIBLE = {"admin", "chair", "leader"}  # administrators, organiser, host's leader
ASKED = {"member"}
MINUTES_EXPECTED = {
    "draft": {
        "write": WRITERS,
        "amend": WRITERS,
        "record_attendance": RESPONSIBLE,
        "ask_to_read": RESPONSIBLE,
        "read": ASKED,
        "comment": ASKED,
        "lock": RESPONSIBLE,
    },
    "amended": {
        "amend": WRITERS,
        "record_attendance": RESPONSIBLE,
        "ask_to_read": RESPONSIBLE,
        "read": ASKED,
        "comment": ASKED,
        "lock": RESPONSIBLE,
    },
    "locked": {},
}


def _minutes_in(org, state: str) -> Meeting:
    from meetings import minutes as minutes_services

    m = meeting(org, days=-1)
    services.minutes_save(meeting=m, author=org.chair, text="Udkast", based_on_version=0)
    if state == "amended":
        services.minutes_save(meeting=m, author=org.member, text="Udkast\nRettet", based_on_version=1)
    minutes_services.reading_ask(
        meeting=m, actor=org.chair, people=[org.member], deadline=timezone.now() + dt.timedelta(days=2)
    )
    if state == "locked":
        services.minutes_lock(meeting=m, actor=org.chair, early=True)
    return m


@pytest.mark.parametrize("state", list(MINUTES_EXPECTED))
def test_every_minutes_action_and_role(org, state):
    """The table, and the service behind each new step, for every role in every state."""
    from meetings import minutes as minutes_services
    from meetings.models import MinutesComment, MinutesReadRequest, Participant

    m = _minutes_in(org, state)

    def snapshot():
        minutes = Minutes.objects.get(meeting=m)
        return (
            minutes.status,
            minutes.read_deadline,
            minutes.attendance_recorded_at,
            sorted(MinutesReadRequest.objects.values_list("person_id", "read_at")),
            MinutesComment.objects.count(),
            sorted(Participant.objects.filter(meeting=m).values_list("pk", "attendance")),
        )

    before = snapshot()
    participant = Participant.objects.get(meeting=m, person=org.member)
    calls = {
        "record_attendance": lambda u: minutes_services.attendance_save(
            meeting=m, actor=u, marks={participant.pk: "present"}
        ),
        "ask_to_read": lambda u: minutes_services.reading_ask(
            meeting=m, actor=u, people=[org.leader], deadline=timezone.now() + dt.timedelta(days=3)
        ),
        "read": lambda u: minutes_services.mark_read(meeting=m, person=u),
        "comment": lambda u: minutes_services.comment_add(meeting=m, author=u, text="Ret navnet i punkt 2."),
    }
    mismatches = []
    for action in MINUTES.actions:
        for role in ROLES:
            user = getattr(org, role)
            allowed = role in MINUTES_EXPECTED[state].get(action, set())
            fresh = Minutes.objects.select_related("meeting").get(meeting=m)
            if MINUTES.is_available(user, fresh, action) != allowed:
                mismatches.append((state, action, role, "table"))
            if action not in calls:
                continue

            def via_service(call=calls[action], user=user):
                try:
                    call(user)
                except (PermissionDenied, ServiceError):
                    return "refused", snapshot()
                return "done", snapshot()

            result, after = _attempt(via_service)
            if (result == "done") != allowed or (after != before) != allowed:
                mismatches.append((state, action, role, "service", result))
    assert mismatches == []


LEADER, MEMBER = {"admin", "leader"}, {"admin", "member"}
BOOKING_EXPECTED = {
    # (status, confirmed): the member booked; the leader leads the visited workplace. The
    # leader answers a request once (confirm, decline, propose); the member answers a proposal.
    ("booked", False): {"confirm": LEADER, "decline": LEADER, "propose": LEADER, "cancel": MEMBER, "move": MEMBER},
    ("booked", True): {"cancel": MEMBER, "move": MEMBER},
    ("proposed", False): {"decline": LEADER, "accept": MEMBER, "reject": MEMBER},
    ("declined", False): {},
    ("cancelled", False): {},
}
# The steps with a page of their own, as the person would post them.
BOOKING_URLS = {
    "decline": ("meetings:booking_decline", lambda spare: {"reason": "Test"}),
    "propose": ("meetings:booking_propose", lambda spare: {"slot": spare.pk, "reason": "Test"}),
    "accept": ("meetings:booking_proposal", lambda spare: {"answer": "accept"}),
    "reject": ("meetings:booking_proposal", lambda spare: {"answer": "decline", "reason": "Test"}),
}


@pytest.mark.parametrize(("status", "confirmed"), list(BOOKING_EXPECTED))
def test_every_booking_action_and_role(org, status, confirmed):
    from meetings.models import Booking
    from meetings.workflows import BOOKING

    from .helpers import booking as make_booking
    from .helpers import slot as make_slot

    b = make_booking(org)
    proposed, spare = make_slot(org, days=11, hour=14), make_slot(org, days=12, hour=14)
    if confirmed:
        visit_services.visit_confirm(booking=b, actor=org.leader)
    if status == "cancelled":
        visit_services.visit_cancel(booking=b, actor=org.member, reason="Syg")
    if status in ("proposed", "declined"):
        visit_services.visit_propose(booking=b, actor=org.leader, reason="Tur", slot_id=proposed.pk)
    if status == "declined":
        visit_services.visit_decline(booking=Booking.objects.get(pk=b.pk), actor=org.leader, reason="Nej")
    assert Booking.objects.get(pk=b.pk).status == status

    def state():
        return Booking.objects.filter(pk=b.pk).values_list("status", "confirmed_at").get()

    before = state()
    mismatches = []
    for action in BOOKING.actions:
        for role in ROLES:
            user = getattr(org, role)
            allowed = role in BOOKING_EXPECTED[(status, confirmed)].get(action, set())
            fresh = Booking.objects.select_related("slot__workplace").get(pk=b.pk)
            if BOOKING.is_available(user, fresh, action) != allowed:
                mismatches.append((status, confirmed, action, role, "table"))

            def current():
                return Booking.objects.select_related("slot__workplace").get(pk=b.pk)

            call = {
                "confirm": lambda u=user: visit_services.visit_confirm(booking=current(), actor=u),
                "cancel": lambda u=user: visit_services.visit_cancel(booking=current(), actor=u, reason="Test"),
                "decline": lambda u=user: visit_services.visit_decline(booking=current(), actor=u, reason="Test"),
                "propose": lambda u=user: visit_services.visit_propose(
                    booking=current(), actor=u, reason="Test", slot_id=spare.pk
                ),
                "accept": lambda u=user: visit_services.visit_proposal_accept(booking=current(), actor=u),
                "reject": lambda u=user: visit_services.visit_proposal_reject(booking=current(), actor=u),
            }.get(action)
            if call is not None:

                def via_service(call=call):
                    try:
                        call()
                    except (PermissionDenied, ServiceError):
                        return "refused", state()
                    return "done", state()

                result, after = _attempt(via_service)
                if (result == "done") != allowed or (after != before) != allowed:
                    mismatches.append((status, confirmed, action, role, "service", result))
            if action in BOOKING_URLS:
                name, data = BOOKING_URLS[action]
                client = Client()
                client.force_login(user)

                def via_http(client=client, name=name, data=data):
                    return client.post(reverse(name, args=[b.pk]), data(spare)).status_code, state()

                code, after = _attempt(via_http)
                if (after != before) != allowed or code not in ((302,) if allowed else (400, 403, 404)):
                    mismatches.append((status, confirmed, action, role, "http", code))
    assert mismatches == []
