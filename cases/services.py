"""Writes on committee cases and hearings. Each service owns its transaction; the case's
states move through `CASE_WORKFLOW` (cases/workflows.py); every email goes through the
outbox (cases/emails.py), one row per person and event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting, Participant
from organisation.models import WORKPLACE_ROLES, Membership, Role, Workplace
from samspil.errors import Conflict, ServiceError

from . import emails
from .deadlines import hearing_deadline
from .models import Case, Contribution, Hearing, HearingInvitee
from .workflows import CASE_WORKFLOW

# --- Cases ---------------------------------------------------------------------------------


def case_register(
    *,
    meeting: Meeting,
    title: str,
    summary: str,
    kind: str,
    workplaces: Iterable[Workplace],
    contact_name: str,
    contact_email: str = "",
    esdh_number: str = "",
    esdh_url: str = "",
    by,
    open_hearing: bool = True,
) -> Case:
    """Register a coming case for a committee meeting and put it on the meeting's agenda;
    with `open_hearing`, open a hearing for each workplace it concerns."""
    if meeting.committee_id is None:
        raise ServiceError(_("Choose a meeting of a committee."), field="meeting")
    if meeting.starts_at <= timezone.now():
        raise ServiceError(_("Choose a coming meeting."), field="meeting")
    workplaces = list(workplaces)
    with transaction.atomic():
        order = (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("order"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, title=title, description=summary, proposed_by=AgendaItem.ProposedBy.ORGANISER
        )
        case = Case.objects.create(
            committee_id=meeting.committee_id,
            meeting=meeting,
            agenda_item=item,
            title=title,
            summary=summary,
            kind=kind,
            contact_name=contact_name,
            contact_email=contact_email,
            esdh_number=esdh_number,
            esdh_url=esdh_url,
            created_by=by,
        )
        case.workplaces.set(workplaces)
        if open_hearing:
            case_open_hearing(case=case, by=by)
    return case


def case_open_hearing(*, case: Case, by) -> Case:
    """draft → in hearing: one hearing per concerned workplace, and the emails."""
    deadline = hearing_deadline(timezone.localtime(case.meeting.starts_at).date())
    with transaction.atomic():
        CASE_WORKFLOW.apply(case, "open_hearing", by, hearing_deadline=deadline)
        now = timezone.now()
        hearings = Hearing.objects.bulk_create(
            [Hearing(case=case, workplace=w, deadline=deadline, opened_at=now) for w in case.workplaces.all()]
        )
        for hearing in hearings:
            emails.hearing_opened(hearing)
    return case


def case_mark_ready(*, case: Case, by) -> Case:
    with transaction.atomic():
        # Lock the case so a hearing cannot be reopened between the gate's check and the move.
        case = Case.objects.select_for_update().select_related("committee", "meeting").get(pk=case.pk)
        CASE_WORKFLOW.apply(case, "mark_ready", by)
    return case


def case_override(*, case: Case, by, reason: str) -> Case:
    """The hearing gate's exception: an administrator lets the case go on with hearings open."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for going on without the hearing."), field="reason", code="required")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("committee", "meeting").get(pk=case.pk)
        CASE_WORKFLOW.apply(case, "override", by, override_reason=reason, override_by=by, override_at=timezone.now())
    return case


def case_mark_treated(*, case: Case, by) -> Case:
    with transaction.atomic():
        CASE_WORKFLOW.apply(case, "mark_treated", by, treated_at=timezone.now())
    return case


def case_decide(*, case: Case, by, decision_text: str, answers_used: str = "") -> Case:
    """treated → decided, and each heard workplace is told what was decided."""
    decision_text = (decision_text or "").strip()
    if not decision_text:
        raise ServiceError(_("Write the decision."), field="decision_text", code="required")
    with transaction.atomic():
        CASE_WORKFLOW.apply(
            case,
            "decide",
            by,
            decision_text=decision_text,
            answers_used=(answers_used or "").strip(),
            decided_at=timezone.now(),
        )
        for hearing in case.hearings.select_related("workplace"):
            emails.decision_made(hearing)
    return case


# --- Hearings ------------------------------------------------------------------------------


def _lines(text: str) -> str:
    """Browsers send line breaks as CRLF; the frozen text and its hash use LF, so the same
    words give the same SHA-256 whatever browser or system sent them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def hearing_save_answer(*, hearing: Hearing, answer: str, version: int) -> Hearing:
    """Autosave: write the draft only if nobody saved since `version` (no lost words:
    the loser gets `Conflict` with the current row and keeps their text in the form)."""
    answer = _lines(answer)
    updated = Hearing.objects.filter(pk=hearing.pk, version=version, status=Hearing.Status.OPEN).update(
        answer=answer, version=F("version") + 1
    )
    current = Hearing.objects.get(pk=hearing.pk)
    if not updated:
        if not current.is_open:
            raise ServiceError(_("The answer is already submitted and can no longer change."), code="closed")
        raise Conflict(_("Someone else saved the answer meanwhile."), current=current, field="answer")
    return current


def hearing_submit(*, hearing: Hearing, answer: str, version: int, by) -> Hearing:
    """Freeze the answer with its SHA-256. The text is stored exactly as submitted."""
    if not answer.strip():
        raise ServiceError(_("Write the answer, or say that the workplace has no comments."), field="answer")
    return _close(hearing=hearing, version=version, by=by, status=Hearing.Status.ANSWERED, text=_lines(answer))


def hearing_no_comments(*, hearing: Hearing, by) -> Hearing:
    return _close(hearing=hearing, version=None, by=by, status=Hearing.Status.NO_COMMENTS, text="")


def _close(*, hearing: Hearing, version: int | None, by, status: str, text: str) -> Hearing:
    filters = {"pk": hearing.pk, "status": Hearing.Status.OPEN}
    if version is not None:
        filters["version"] = version
    with transaction.atomic():
        updated = Hearing.objects.filter(**filters).update(
            status=status,
            answer=text,
            submitted_text=text,
            sha256=Hearing.digest(text) if status == Hearing.Status.ANSWERED else "",
            submitted_at=timezone.now(),
            submitted_by=by,
            version=F("version") + 1,
        )
        current = Hearing.objects.select_related("case", "workplace").get(pk=hearing.pk)
        if not updated:
            if not current.is_open:
                raise ServiceError(_("The answer is already submitted."), code="closed")
            raise Conflict(_("Someone else saved the answer meanwhile."), current=current, field="answer")
    return current


def hearing_invite(*, hearing: Hearing, people: Iterable, by) -> int:
    """Invite employees of the workplace to contribute; each is told once."""
    staff = set(
        Membership.objects.current()
        .filter(workplace_id=hearing.workplace_id, role__in=WORKPLACE_ROLES)
        .values_list("person_id", flat=True)
    )
    people = list(people)
    if not people:
        raise ServiceError(_("Choose whom to invite."), field="people")
    if any(person.pk not in staff for person in people):
        raise ServiceError(_("Only the workplace's staff can be invited."), field="people")
    created = 0
    with transaction.atomic():
        for person in people:
            invitee, new = HearingInvitee.objects.get_or_create(
                hearing=hearing, person=person, defaults={"invited_by": by}
            )
            if new:
                created += 1
                emails.contribution_invited(invitee)
    return created


def contribution_add(*, hearing: Hearing, author, text: str) -> Contribution:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write your input."), field="text")
    if not Hearing.objects.filter(pk=hearing.pk, status=Hearing.Status.OPEN).exists():
        raise ServiceError(_("The answer is already submitted."), code="closed")
    return Contribution.objects.create(hearing=hearing, author=author, text=text)


def hearing_ask_to_speak(*, hearing: Hearing, presenter=None, presenter_name: str, presenter_title: str) -> Hearing:
    """Foretræde: the workplace asks to speak when the case is treated and names who presents
    it — a member of staff with an account (who then gets the invitation), or by name."""
    presenter_title = (presenter_title or "").strip()
    presenter_name = (presenter_name or "").strip()
    if presenter is not None:
        presenter_name = presenter_name or presenter.full_name or str(presenter)
    if not presenter_name:
        raise ServiceError(_("Name who presents the case."), field="presenter_name")
    if not presenter_title:
        raise ServiceError(_("Give the presenter's title (e.g. fagleder)."), field="presenter_title")
    updated = Hearing.objects.filter(
        pk=hearing.pk, speaking__in=["", Hearing.Speaking.REQUESTED, Hearing.Speaking.DECLINED]
    ).update(
        speaking=Hearing.Speaking.REQUESTED,
        presenter=presenter,
        presenter_name=presenter_name,
        presenter_title=presenter_title,
        speaking_reason="",
    )
    if not updated:
        raise ServiceError(_("The chair has already accepted the request."), code="accepted")
    return Hearing.objects.select_related("case", "workplace", "presenter").get(pk=hearing.pk)


def hearing_decide_speaking(
    *, hearing: Hearing, by, accept: bool, reason: str = "", minutes: int | None = None
) -> Hearing:
    """The chair accepts (the presenter goes on the agenda item and is invited) or declines
    with a reason (the workplace is told why)."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ServiceError(_("Give the reason for declining."), field="reason", code="required")
    with transaction.atomic():
        updated = Hearing.objects.filter(pk=hearing.pk, speaking=Hearing.Speaking.REQUESTED).update(
            speaking=Hearing.Speaking.ACCEPTED if accept else Hearing.Speaking.DECLINED,
            speaking_reason=reason,
            speaking_decided_by=by,
            speaking_decided_at=timezone.now(),
        )
        hearing = Hearing.objects.select_related("case__meeting", "workplace", "presenter").get(pk=hearing.pk)
        if not updated:
            raise Conflict(_("The request was decided meanwhile."), current=hearing)
        if accept:
            _put_presenters_on_agenda(hearing.case, minutes)
            meeting = hearing.case.meeting
            people = [hearing.presenter] if hearing.presenter_id else []
            people += [m.person for m in _leaders(hearing.workplace_id)]
            for person in people:
                # meetings' own service: the invitation with its .ics, like any participant.
                meeting_services.participant_add(
                    meeting=meeting, person=person, role=Participant.MeetingRole.GUEST, actor=by
                )
        emails.speaking_decided(hearing)
    return hearing


def _put_presenters_on_agenda(case: Case, minutes: int | None) -> None:
    accepted = case.hearings.filter(speaking=Hearing.Speaking.ACCEPTED).select_related("workplace")
    text = "; ".join(f"{h.presenter_name}, {h.presenter_title} ({h.workplace.name})" for h in accepted)
    changes = {"presenter_text": text[:200]}
    if minutes:
        changes["duration_minutes"] = minutes
    if case.agenda_item_id:
        AgendaItem.objects.filter(pk=case.agenda_item_id).update(**changes)


def _leaders(workplace_id: int):
    return (
        Membership.objects.current()
        .filter(workplace_id=workplace_id, role=Role.WORKPLACE_LEADER)
        .select_related("person")
    )
