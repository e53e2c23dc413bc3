"""Who may use each meetings URL. The meeting in these rows is a dialogue meeting of
the member's committee, hosted by the leader's workplace and organised by the chair;
the chair, the member and the leader are invited (tests/meetings/helpers.py)."""

from meetings.models import BlockedPeriod, Booking, HolidayOpening, Meeting, Participant, VisitSlot
from tests.access import Row, everyone
from tests.meetings import helpers

# Sees the meeting: participants, the committee, the host's staff, its centre head, leadership.
VIEWERS = {
    "admin": 200,
    "director": 200,
    "chair": 200,
    "member": 200,
    "leader": 200,
    "employee": 200,
    "union_rep": 200,
    "med_contact": 200,
    "centre_head": 200,
}
# Changes it: administrators, the organiser (chair) and the host's leader; other viewers get 403.
EDITORS = {**{role: 403 for role in VIEWERS}, "admin": 200, "chair": 200, "leader": 200}
EDITORS_POST = {role: (302 if status == 200 else status) for role, status in EDITORS.items()}


def _meeting(o):
    return {"pk": helpers.meeting(o).pk}


def _meeting_with_locked_minutes(o):
    return {"pk": helpers.locked_minutes(helpers.meeting(o, days=-3), o.chair).pk}


def _held(o):
    return {"pk": helpers.meeting(o, days=-1).pk}


def _written(o):
    from meetings import services

    meeting = helpers.meeting(o, days=-1)
    services.minutes_save(meeting=meeting, author=o.chair, text="Udkast", based_on_version=0)
    return {"pk": meeting.pk}


def _asked(o):
    from meetings import minutes

    pk = _written(o)["pk"]
    minutes.reading_ask(
        meeting=Meeting.objects.get(pk=pk), actor=o.chair, people=[o.member], deadline=helpers.at(3, 12)
    )
    return {"pk": pk}


def _attendance(o):
    return sorted(Participant.objects.values_list("pk", "attendance"))


def _reading(o):
    from meetings.models import MinutesComment, MinutesReadRequest

    return (
        sorted(MinutesReadRequest.objects.values_list("person_id", "read_at")),
        MinutesComment.objects.count(),
        list(Meeting.objects.values_list("minutes__read_deadline", flat=True)),
    )


def _reading_form(o):
    deadline = helpers.at(4, 12)
    return {"people": [o.member.pk], "deadline_date": deadline.date().isoformat(), "deadline_time": "12:00"}


# The minutes' writer: administrators, the organiser (chair) and the host's leader.
RESPONSIBLE = {**{role: 403 for role in VIEWERS}, "admin": 200, "chair": 200, "leader": 200}
RESPONSIBLE_POST = {role: (302 if status == 200 else status) for role, status in RESPONSIBLE.items()}
# Asked to read: the member; every other viewer is refused.
ASKED_POST = {**{role: 403 for role in VIEWERS}, "member": 302}


def _slot(o):
    return {"pk": helpers.slot(o).pk}


def _booking(o):
    return {"pk": helpers.booking(o).pk}


def _booking_states(o):
    return sorted(Booking.objects.values_list("status", "confirmed_at"))


def _booking_and_spare(o):
    values = _booking(o)
    o.spare_slot = helpers.slot(o, days=12, hour=14).pk
    return values


def _proposal(o):
    from meetings.visits import services as visits

    booking = helpers.booking(o)
    spare = helpers.slot(o, days=12, hour=14)
    visits.visit_propose(booking=booking, actor=o.leader, reason="Tur", slot_id=spare.pk)
    return {"pk": booking.pk}


def _next_christmas_eve():
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    day = dt.date(today.year, 12, 24)
    return day if day > today else dt.date(today.year + 1, 12, 24)


def _blocked(o):
    period = BlockedPeriod.objects.create(
        workplace=o.workplace, starts_on=helpers.at(30).date(), ends_on=helpers.at(31).date(), reason="Ferie"
    )
    return {"pk": period.pk}


def _statuses(o):
    return sorted(Meeting.objects.values_list("status", flat=True))


def _responses(o):
    return sorted(Participant.objects.values_list("person_id", "response"))


ROWS = [
    Row("meetings:mine", expect=everyone(200)),
    Row(
        "meetings:meeting_create",
        expect={"admin": 200, "chair": 200, "leader": 200, "other_leader": 200},
        others=403,
    ),
    Row("meetings:meeting", setup=_meeting, expect=VIEWERS),
    Row("meetings:meeting_print", setup=_meeting, expect=VIEWERS),
    Row("meetings:meeting_edit", setup=_meeting, expect=EDITORS),
    Row("meetings:meeting_agenda", setup=_meeting, expect=EDITORS),
    Row("meetings:meeting_participants", setup=_meeting, expect=EDITORS),
    Row("meetings:meeting_cancel", setup=_meeting, expect=EDITORS),
    Row(
        "meetings:meeting_cancel",
        method="POST",
        setup=_meeting,
        data={"reason": "Aflyst i testen"},
        expect=EDITORS_POST,
        unchanged=_statuses,
    ),
    Row("meetings:meeting_held", method="POST", setup=_meeting, expect=EDITORS_POST, unchanged=_statuses),
    Row(
        "meetings:meeting_respond",
        method="POST",
        setup=_meeting,
        data={"response": "yes"},
        # Only the invited answer; other viewers are refused.
        expect={**{role: 403 for role in VIEWERS}, "chair": 302, "member": 302, "leader": 302},
        unchanged=_responses,
    ),
    # Draft minutes: organiser, participants, the host's leader, administrators.
    Row(
        "meetings:minutes_edit",
        setup=_meeting,
        expect={**{role: 403 for role in VIEWERS}, "admin": 200, "chair": 200, "member": 200, "leader": 200},
    ),
    # Locking goes through a confirmation (issue 16.2): the page, a POST without its box
    # (refused at the box, 400) and one with it.
    Row(
        "meetings:minutes_lock",
        setup=_meeting,
        expect={**{role: 403 for role in VIEWERS}, "admin": 200, "chair": 200, "leader": 200},
    ),
    Row(
        "meetings:minutes_lock",
        method="POST",
        setup=_meeting,
        expect={**{role: 403 for role in VIEWERS}, "admin": 400, "chair": 400, "leader": 400},
    ),
    Row(
        "meetings:minutes_lock",
        method="POST",
        data={"confirm": "on"},
        setup=_meeting,
        expect={**{role: 403 for role in VIEWERS}, "admin": 302, "chair": 302, "leader": 302},
    ),
    # Attendance and asking for reading: those responsible for the minutes (issue 16, point 5).
    Row("meetings:minutes_attendance", setup=_held, expect=RESPONSIBLE),
    Row(
        "meetings:minutes_attendance",
        method="POST",
        setup=_held,
        data=lambda o: {f"p{p.pk}": "present" for p in Participant.objects.all()},
        expect=RESPONSIBLE_POST,
        unchanged=_attendance,
    ),
    Row("meetings:minutes_reading", setup=_written, expect=RESPONSIBLE),
    Row(
        "meetings:minutes_reading",
        method="POST",
        setup=_written,
        data=_reading_form,
        expect=RESPONSIBLE_POST,
        unchanged=_reading,
    ),
    # Marking read and commenting: only who was asked.
    Row("meetings:minutes_read", method="POST", setup=_asked, expect=ASKED_POST, unchanged=_reading),
    Row(
        "meetings:minutes_comment",
        method="POST",
        setup=_asked,
        data={"text": "Ret punkt 2."},
        expect=ASKED_POST,
        unchanged=_reading,
    ),
    # Locked minutes: whoever sees the meeting.
    Row("meetings:minutes_compare", setup=_meeting_with_locked_minutes, expect=VIEWERS),
    # The plan lists only the meetings each person may see.
    Row("meetings:committee_plan", kwargs=lambda o: {"slug": o.committee.slug}, expect=everyone(200)),
    Row(
        "meetings:series_create",
        kwargs=lambda o: {"slug": o.committee.slug},
        expect={"admin": 200, "chair": 200},
        others=403,
    ),
    Row("meetings:workplace_meetings", kwargs=lambda o: {"slug": o.workplace.slug}, expect=everyone(200)),
    Row(
        "meetings:workplace_visit_times",
        kwargs=lambda o: {"slug": o.workplace.slug},
        expect={"admin": 200, "leader": 200},
        others=403,
    ),
    Row(
        "meetings:workplace_visit_times",
        method="POST",
        kwargs=lambda o: {"slug": o.workplace.slug},
        data={"form": "slot", "slot-date": "2001-01-01", "slot-start": "10:00", "slot-end": "11:00"},
        expect={"admin": 400, "leader": 400},
        others=403,
        unchanged=lambda o: VisitSlot.objects.count(),
    ),
    Row(
        "meetings:visit_times",
        expect={"admin": 200, "chair": 200, "member": 200, "other_member": 200},
        others=403,
    ),
    # Booking: members of a committee responsible for the workplace. The leader and
    # administrators see the time (403), strangers do not (404).
    Row("meetings:visit_book", setup=_slot, expect={"chair": 200, "member": 200, "admin": 403, "leader": 403}),
    Row(
        "meetings:visit_book",
        method="POST",
        setup=_slot,
        expect={"chair": 302, "member": 302, "admin": 403, "leader": 403},
        unchanged=lambda o: Booking.objects.count(),
    ),
    Row(
        "meetings:visit_slot_withdraw",
        method="POST",
        setup=_slot,
        expect={"admin": 302, "leader": 302, "chair": 403, "member": 403},
        unchanged=lambda o: list(VisitSlot.objects.values_list("withdrawn_at", flat=True)),
    ),
    Row(
        "meetings:blocked_period_delete",
        method="POST",
        setup=_blocked,
        expect={"admin": 302, "leader": 302},
        unchanged=lambda o: BlockedPeriod.objects.count(),
    ),
    Row("meetings:booking_cancel", setup=_booking, expect={"admin": 200, "member": 200, "leader": 403}),
    Row("meetings:booking_move", setup=_booking, expect={"admin": 200, "member": 200, "leader": 403}),
    Row(
        "meetings:booking_cancel",
        method="POST",
        setup=_booking,
        data={"reason": "Syg"},
        expect={"admin": 302, "member": 302, "leader": 403},
        unchanged=lambda o: list(Booking.objects.values_list("status", flat=True)),
    ),
    Row(
        "meetings:booking_confirm",
        method="POST",
        setup=_booking,
        expect={"admin": 302, "leader": 302, "member": 403},
        unchanged=lambda o: list(Booking.objects.values_list("confirmed_at", flat=True)),
    ),
    # The leader's answers: the leader and administrators; the member who booked sees 403.
    Row("meetings:booking_decline", setup=_booking, expect={"admin": 200, "leader": 200, "member": 403}),
    Row(
        "meetings:booking_decline",
        method="POST",
        setup=_booking,
        data={"reason": "Temadag"},
        expect={"admin": 302, "leader": 302, "member": 403},
        unchanged=_booking_states,
    ),
    Row("meetings:booking_propose", setup=_booking, expect={"admin": 200, "leader": 200, "member": 403}),
    Row(
        "meetings:booking_propose",
        method="POST",
        setup=_booking_and_spare,
        data=lambda o: {"slot": o.spare_slot, "reason": "Tur"},
        expect={"admin": 302, "leader": 302, "member": 403},
        unchanged=_booking_states,
    ),
    # The member's answer to a proposal: the member and administrators; the leader sees 403.
    Row("meetings:booking_proposal", setup=_proposal, expect={"admin": 200, "member": 200, "leader": 403}),
    Row(
        "meetings:booking_proposal",
        method="POST",
        setup=_proposal,
        data={"answer": "accept"},
        expect={"admin": 302, "member": 302, "leader": 403},
        unchanged=_booking_states,
    ),
    # The week of free times: whoever sees the list.
    Row(
        "meetings:visit_week",
        expect={"admin": 200, "chair": 200, "member": 200, "other_member": 200},
        others=403,
    ),
    # Opening a holiday for visits: the workplace's leader and administrators.
    Row(
        "meetings:workplace_holiday",
        method="POST",
        kwargs=lambda o: {"slug": o.workplace.slug},
        data=lambda o: {"day": _next_christmas_eve().isoformat(), "open": "1"},
        expect={"admin": 302, "leader": 302},
        others=403,
        unchanged=lambda o: HolidayOpening.objects.count(),
    ),
]


# --- Calendars and reminders (meetings/calendars/views.py) --------------------------------


def _feed_token(o):
    from meetings.calendars import selectors as calendar_selectors
    from meetings.calendars import services as calendar_services

    return {"token": calendar_selectors.feed_token(calendar_services.feed_renew(person=o.member))}


def _feeds(o):
    from meetings.models import CalendarFeed, ReminderOptOut

    return CalendarFeed.objects.count(), ReminderOptOut.objects.count()


ROWS += [
    # The .ics download: whoever sees the meeting.
    Row("meetings:meeting_ics", setup=_meeting, expect=VIEWERS),
    # Each person's own calendar page: feed address and reminder choices.
    Row("meetings:calendar", expect=everyone(200)),
    Row("meetings:calendar", method="POST", data={"form": "feed"}, expect=everyone(302), unchanged=_feeds),
    Row(
        "meetings:calendar",
        method="POST",
        data={"form": "preferences", "kinds": ["7d"]},
        expect=everyone(302),
        unchanged=_feeds,
    ),
    # The feed: no login (calendar programs cannot log in); the secret token is the key.
    Row("meetings:calendar_feed", setup=_feed_token, expect=everyone(200), anonymous=200),
    Row("meetings:calendar_feed", kwargs={"token": "0" * 64}, expect=everyone(404), anonymous=404),
]
