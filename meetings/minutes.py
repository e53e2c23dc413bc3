"""Minutes people can use (issue 16, point 5): a draft that starts from the agenda,
attendance (who came, not only who answered), and reading before the lock.

Reading before the lock: the writer asks participants to read the draft by a deadline
(`reading_ask`). Each gets one email through the one outbox (family
"meetings.minutes_reading", key per minutes, person and event) and, once, a reminder a day
before the deadline (an outbox row due then; it is skipped when the person has read, the
minutes are locked or the deadline moved). Readers mark the draft read (`mark_read`) or
comment and propose a correction (`comment_add`); the writer sees who has read. Locking
before the deadline while some have not read is refused with `ReadingOpen`, which names
them, until the writer locks anyway (meetings.services.minutes_lock(early=True)).

Every step is a row of the minutes' table (meetings/workflows.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.privacy import erased
from outbox.models import Email
from outbox.services import enqueue_many
from samspil import bounds
from samspil.errors import ServiceError
from samspil.mail import build_templated_mail

from .models import AgendaItem, Meeting, Minutes, MinutesComment, MinutesReadRequest, Participant
from .workflows import MINUTES

FAMILY = "meetings.minutes_reading"
# The reminder goes this long before the deadline (once), unless the deadline is closer
# than that when the writer asks: then the request itself is the only email.
REMINDER_BEFORE = dt.timedelta(days=1)
ATTENDANCE = Participant.Attendance


class ReadingOpen(ServiceError):
    """Locking before the reading deadline while some have not read: `unread` names them."""

    default_code = "reading_open"

    def __init__(self, message: str, *, unread: list, deadline: dt.datetime) -> None:
        super().__init__(message)
        self.unread = unread
        self.deadline = deadline


# --- The draft starts from the agenda -----------------------------------------------------


def outline(meeting: Meeting) -> str:
    """A new draft: one section per agenda item (number, title, presenter) with room to
    write under each. Existing minutes never change: the edit page offers this only while
    nothing is saved."""
    items = AgendaItem.objects.filter(meeting=meeting).select_related("presenter").order_by("order", "pk")
    sections = []
    for number, item in enumerate(items, start=1):
        heading = f"{number}. {item.title}"
        presenter = _presenter(item)
        if presenter:
            heading += f" ({_('presenter')}: {presenter})"
        sections.append(f"{heading}\n\n")
    return "\n".join(sections)


def _presenter(item: AgendaItem) -> str:
    if item.presenter_id and not erased(item.presenter):
        return str(item.presenter)
    return item.presenter_text  # an erased presenter is no name to fill in


# --- Attendance ---------------------------------------------------------------------------


def _minutes_for_update(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    return Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)


def attendance_save(*, meeting: Meeting, actor, marks: dict[int, str], others: str | None = None) -> Minutes:
    """Record who came: `marks` maps participant ids to present / absent / excused ("" for
    not recorded); `others` lists people without an account who came, one a line. Rows of
    other meetings are ignored. Coverage counts the attendance where it is recorded."""
    valid = set(ATTENDANCE.values)
    if any(value not in valid for value in marks.values()):
        raise ServiceError(_("Choose present, absent or excused."), field="attendance")
    if others is not None and len(others) > bounds.SHORT_TEXT:
        raise ServiceError(_("The list of others present is too long."), field="others")
    with transaction.atomic():
        minutes = _minutes_for_update(meeting)
        changes = {"attendance_recorded_at": timezone.now()}
        if others is not None:
            changes["other_attendees"] = "\n".join(line.strip() for line in others.splitlines() if line.strip())
        MINUTES.apply(minutes, "record_attendance", actor, **changes)
        participants = {p.pk: p for p in Participant.objects.filter(meeting=meeting, pk__in=list(marks))}
        changed = [p for pk, p in participants.items() if p.attendance != marks[pk]]
        for participant in changed:
            participant.attendance = marks[participant.pk]
        Participant.objects.bulk_update(changed, ["attendance"])
        from .services import log

        log(
            action="minutes.attendance",
            actor=actor,
            meeting=meeting,
            **{value or "unknown": sum(1 for p in participants.values() if marks[p.pk] == value) for value in valid},
        )
    return minutes


def attendance_rows(meeting: Meeting) -> list[Participant]:
    """The participants to tick, erased people aside (their mark, if any, stays)."""
    return list(
        Participant.objects.filter(meeting=meeting)
        .exclude(erased_person_q("person__"))
        .select_related("person")
        .order_by("role", "person__full_name")
    )


def attendance_context(participants, minutes: Minutes | None) -> dict:
    """Participants grouped by attendance, for the minutes and their printed version.
    `participants` is what the page lists (erased people only in locked minutes)."""
    groups: dict[str, list] = {value: [] for value in ATTENDANCE.values}
    for participant in participants:
        groups[participant.attendance].append(participant)
    others = [line for line in (minutes.other_attendees.splitlines() if minutes else []) if line.strip()]
    return {
        "recorded": minutes is not None and minutes.attendance_recorded_at is not None,
        "present_count": len(groups[ATTENDANCE.PRESENT]) + len(others),
        "present": groups[ATTENDANCE.PRESENT],
        "absent": groups[ATTENDANCE.ABSENT],
        "excused": groups[ATTENDANCE.EXCUSED],
        "unknown": groups[ATTENDANCE.UNKNOWN],
        "others": others,
    }


def reading_context(user, minutes: Minutes | None, *, sees_drafts: bool) -> dict:
    """Who was asked to read the draft and who has, the comments, and the reader's own
    request — for the meeting page (two queries, only for draft minutes)."""
    empty = {"requests": [], "comments": [], "my_request": None, "read_count": 0}
    if minutes is None or minutes.pk is None or minutes.is_locked or not sees_drafts:
        return empty
    requests = [
        request
        for request in minutes.read_requests.select_related("person").order_by("person__full_name")
        if not erased(request.person)
    ]
    mine = next((request for request in requests if request.person_id == user.pk), None)
    # The table's "read" and "comment" ask this (permissions.asked_to_read): no query again.
    minutes.__dict__.setdefault("_perm_cache", {})[f"asked:{user.pk}"] = mine is not None
    comments = list(minutes.comments.select_related("author").order_by("created_at"))
    for comment in comments:
        if comment.author is not None and erased(comment.author):
            comment.author = None
    return {
        "requests": requests,
        "comments": comments,
        "my_request": mine,
        "read_count": sum(1 for request in requests if request.read_at is not None),
    }


# --- Reading before the lock --------------------------------------------------------------


def readers_to_suggest(meeting: Meeting, *, writer) -> list[Participant]:
    """Whom the writer is offered to ask: participants who came (or, without recorded
    attendance, did not decline), not the writer, not erased people."""
    participants = (
        Participant.objects.filter(meeting=meeting)
        .exclude(person=writer)
        .exclude(erased_person_q("person__"))
        .select_related("person")
        .order_by("role", "person__full_name")
    )
    return list(participants)


def erased_person_q(prefix: str = "") -> Q:
    from accounts.privacy import erased_q

    return erased_q(prefix)


def default_readers(participants: list[Participant]) -> list[int]:
    return [
        p.person_id
        for p in participants
        if p.attendance == ATTENDANCE.PRESENT
        or (p.attendance == ATTENDANCE.UNKNOWN and p.response != Participant.Response.NO)
    ]


def reading_ask(*, meeting: Meeting, actor, people: list, deadline: dt.datetime) -> list[MinutesReadRequest]:
    """Ask `people` (participants of the meeting) to read the draft by `deadline`. Asking
    again moves the deadline for everyone asked and adds the new people; each person gets
    the request once and, a day before the deadline, one reminder if they have not read."""
    now = timezone.now()
    if deadline <= now:
        raise ServiceError(_("Choose a deadline in the future."), field="deadline")
    if not people:
        raise ServiceError(_("Choose at least one participant to read the draft."), field="people")
    with transaction.atomic():
        minutes = _minutes_for_update(meeting)
        allowed = set(
            Participant.objects.filter(meeting=meeting)
            .exclude(erased_person_q("person__"))
            .values_list("person_id", flat=True)
        )
        outside = [person for person in people if person.pk not in allowed]
        if outside:
            raise ServiceError(
                _("Only participants of the meeting can be asked: %(names)s.")
                % {"names": ", ".join(sorted(str(p) for p in outside))},
                field="people",
            )
        MINUTES.apply(minutes, "ask_to_read", actor, read_deadline=deadline, read_requested_at=now)
        existing = set(MinutesReadRequest.objects.filter(minutes=minutes).values_list("person_id", flat=True))
        MinutesReadRequest.objects.bulk_create(
            [
                MinutesReadRequest(minutes=minutes, person=person, asked_by=actor, asked_at=now)
                for person in people
                if person.pk not in existing
            ]
        )
        requests = list(MinutesReadRequest.objects.filter(minutes=minutes).select_related("person"))
        _enqueue(minutes, requests, deadline=deadline, now=now)
        from .services import log

        log(
            action="minutes.reading_asked",
            actor=actor,
            meeting=meeting,
            deadline=deadline.isoformat(),
            people=[r.person_id for r in requests],
        )
    return requests


def _enqueue(minutes: Minutes, requests: list[MinutesReadRequest], *, deadline: dt.datetime, now: dt.datetime) -> None:
    stamp = int(deadline.timestamp())
    rows = []
    for request in requests:
        if request.read_at is not None or erased(request.person):
            continue
        params = {"minutes": minutes.pk, "deadline": deadline.isoformat()}
        rows.append(
            {
                "family": FAMILY,
                # The request: once per person and minutes, whatever the deadline.
                "key": f"{FAMILY}:{minutes.pk}:{request.person_id}:ask",
                "recipient": request.person_id,
                "params": {**params, "kind": "ask"},
                "topic": f"meetings.meeting:{minutes.meeting_id}",
            }
        )
        remind_at = deadline - REMINDER_BEFORE
        if remind_at > now:
            rows.append(
                {
                    "family": FAMILY,
                    # The reminder: once per person and deadline.
                    "key": f"{FAMILY}:{minutes.pk}:{request.person_id}:reminder:{stamp}",
                    "recipient": request.person_id,
                    "params": {**params, "kind": "reminder"},
                    "due_at": remind_at,
                    "topic": f"meetings.meeting:{minutes.meeting_id}",
                }
            )
    if rows:
        enqueue_many(rows)


def mark_read(*, meeting: Meeting, person) -> MinutesReadRequest:
    """The person has read the draft (the version they saw is kept); marking again keeps
    the first time."""
    with transaction.atomic():
        minutes = _minutes_for_update(meeting)
        MINUTES.apply(minutes, "read", person)
        request = MinutesReadRequest.objects.select_for_update().get(minutes=minutes, person=person)
        if request.read_at is None:
            request.read_at = timezone.now()
            request.read_version = minutes.version
            request.save(update_fields=["read_at", "read_version"])
            from .services import log

            log(action="minutes.read", actor=person, meeting=meeting, version=minutes.version)
    return request


def comment_add(*, meeting: Meeting, author, text: str) -> MinutesComment:
    """A comment or a proposed correction to the draft, for the writer to take in."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write your comment or the correction you propose."), field="text")
    if len(text) > bounds.SHORT_TEXT:
        raise ServiceError(_("Keep the comment under %(n)s characters.") % {"n": bounds.SHORT_TEXT}, field="text")
    with transaction.atomic():
        minutes = _minutes_for_update(meeting)
        MINUTES.apply(minutes, "comment", author)
        comment = MinutesComment.objects.create(minutes=minutes, author=author, text=text, version=minutes.version)
    return comment


def unread(minutes: Minutes) -> list[MinutesReadRequest]:
    """Who was asked and has not read (erased people aside: they will never read)."""
    return list(
        MinutesReadRequest.objects.filter(minutes=minutes, read_at=None)
        .exclude(erased_person_q("person__"))
        .select_related("person")
        .order_by("person__full_name")
    )


def check_reading(minutes: Minutes, *, early: bool) -> None:
    """Called by the lock (inside its transaction): before the deadline, with people who
    have not read, the lock needs `early`."""
    if early or minutes.read_deadline is None or minutes.read_deadline <= timezone.now():
        return
    waiting = unread(minutes)
    if waiting:
        raise ReadingOpen(
            _("Not everyone has read the draft yet, and the deadline has not passed: %(names)s.")
            % {"names": ", ".join(str(r.person) for r in waiting)},
            unread=[r.person for r in waiting],
            deadline=minutes.read_deadline,
        )


# --- The emails ---------------------------------------------------------------------------


def build_email(row: Email):
    """The request or the reminder, or why it is no longer needed (read at send time)."""
    minutes = Minutes.objects.select_related("meeting").filter(pk=row.params["minutes"]).first()
    if minutes is None:
        return "the minutes are gone"
    person = row.recipient
    if person is None or not person.email or not person.is_active or erased(person):
        return "no email address"
    if minutes.is_locked:
        return "the minutes are locked"
    request = MinutesReadRequest.objects.filter(minutes=minutes, person=person).first()
    if request is None:
        return "no longer asked"
    if request.read_at is not None:
        return "already read"
    deadline = dt.datetime.fromisoformat(row.params["deadline"])
    if row.params["kind"] == "reminder":
        if minutes.read_deadline != deadline:
            return "the deadline has moved"
        if minutes.read_deadline <= timezone.now():
            return "the deadline has passed"
    template = (
        "meetings/email/minutes_reading" if row.params["kind"] == "ask" else "meetings/email/minutes_reading_reminder"
    )
    meeting = minutes.meeting
    return build_templated_mail(
        template,
        to=person.email,
        context={
            "meeting": meeting,
            "person": person,
            "deadline": minutes.read_deadline or deadline,
            "writer": request.asked_by if request.asked_by_id and not erased(request.asked_by) else None,
            "minutes_url": f"{settings.SITE_URL}{meeting.get_absolute_url()}#minutes-heading",
        },
    )


def register() -> None:
    from outbox import families

    families.register(FAMILY, build_email)
