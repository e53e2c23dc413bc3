"""Every email of the case flow, through the one outbox: one row per person and event
(the key names both), built at send time from the current rows, so a hearing answered
meanwhile skips its reminder. Each link goes to a page its reader may open."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from organisation.models import STAFF_VOICE_ROLES, Membership, Role
from outbox import families
from outbox.services import enqueue
from samspil.mail import build_templated_mail

from .models import Case, Hearing, HearingInvitee


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def _staff(workplace_id: int, roles) -> list:
    return [
        m.person
        for m in Membership.objects.current()
        .filter(workplace_id=workplace_id, role__in=roles, person__is_active=True)
        .select_related("person")
    ]


def _told_of_hearing(hearing: Hearing) -> list[tuple[object, str]]:
    """(person, link), once per person: the leader answers on the hearing page; the union
    representative and the MED contact follow the case page (a draft answer is the
    leader's and the invited's). A person holding two of these roles is told once, as the
    leader if one of them is the leader's."""
    people = {}
    for person in _staff(hearing.workplace_id, STAFF_VOICE_ROLES):
        people[person.pk] = (person, _url("cases:detail", hearing.case_id))
    for person in _staff(hearing.workplace_id, [Role.WORKPLACE_LEADER]):
        people[person.pk] = (person, _url("cases:hearing", hearing.pk))
    return list(people.values())


# --- Producers (called inside the services' transactions) -----------------------------------


def hearing_opened(hearing: Hearing) -> None:
    for person, link in _told_of_hearing(hearing):
        enqueue(
            family="cases.hearing_opened",
            key=f"cases.hearing_opened:{hearing.pk}:{person.pk}",
            recipient=person,
            params={"hearing": hearing.pk, "url": link},
        )


def hearing_reminder(hearing: Hearing, days: int) -> None:
    for person in _staff(hearing.workplace_id, [Role.WORKPLACE_LEADER]):
        enqueue(
            family="cases.hearing_reminder",
            key=f"cases.hearing_reminder:{hearing.pk}:{person.pk}:{days}d",
            recipient=person,
            params={"hearing": hearing.pk, "days": days, "url": _url("cases:hearing", hearing.pk)},
        )


def contribution_invited(invitee: HearingInvitee) -> None:
    enqueue(
        family="cases.contribution_invited",
        key=f"cases.contribution_invited:{invitee.hearing_id}:{invitee.person_id}",
        recipient=invitee.person,
        params={"hearing": invitee.hearing_id, "url": _url("cases:hearing", invitee.hearing_id)},
    )


def speaking_decided(hearing: Hearing) -> None:
    people = {p.pk: p for p in _staff(hearing.workplace_id, [Role.WORKPLACE_LEADER])}
    if hearing.presenter_id:
        people.setdefault(hearing.presenter_id, hearing.presenter)
    for person in people.values():
        enqueue(
            family="cases.speaking_decided",
            key=f"cases.speaking_{hearing.speaking}:{hearing.pk}:{person.pk}",
            recipient=person,
            params={"hearing": hearing.pk, "url": _url("cases:detail", hearing.case_id)},
        )


def decision_made(hearing: Hearing) -> None:
    for person, _link in _told_of_hearing(hearing):
        enqueue(
            family="cases.decision",
            key=f"cases.decision:{hearing.case_id}:{hearing.workplace_id}:{person.pk}",
            recipient=person,
            params={"hearing": hearing.pk, "url": _url("cases:detail", hearing.case_id)},
        )


# --- Builders (run by the outbox's worker at send time) ---------------------------------------


def _hearing(row) -> Hearing | None:
    return (
        Hearing.objects.select_related("case__committee", "case__meeting", "workplace")
        .filter(pk=row.params.get("hearing"))
        .first()
    )


def _build(template: str, row, hearing: Hearing, **extra):
    return build_templated_mail(
        f"cases/email/{template}",
        to=row.address,
        context={"hearing": hearing, "case": hearing.case, "url": row.params["url"], "person": row.recipient, **extra},
    )


def build_hearing_opened(row):
    hearing = _hearing(row)
    if hearing is None:
        return "the hearing no longer exists"
    return _build("hearing_opened", row, hearing)


def build_hearing_reminder(row):
    hearing = _hearing(row)
    if hearing is None or not hearing.is_open or hearing.case.status not in (Case.Status.IN_HEARING,):
        return "the hearing is closed"
    return _build("hearing_reminder", row, hearing, days=row.params.get("days"))


def build_contribution_invited(row):
    hearing = _hearing(row)
    if hearing is None or not hearing.is_open:
        return "the answer is already submitted"
    return _build("contribution_invited", row, hearing)


def build_speaking_decided(row):
    hearing = _hearing(row)
    if hearing is None:
        return "the hearing no longer exists"
    return _build("speaking_decided", row, hearing)


def build_decision(row):
    hearing = _hearing(row)
    if hearing is None or hearing.case.status != Case.Status.DECIDED:
        return "the case is not decided"
    return _build("decision", row, hearing)


families.register("cases.hearing_opened", build_hearing_opened)
families.register("cases.hearing_reminder", build_hearing_reminder)
families.register("cases.contribution_invited", build_contribution_invited)
families.register("cases.speaking_decided", build_speaking_decided)
families.register("cases.decision", build_decision)
