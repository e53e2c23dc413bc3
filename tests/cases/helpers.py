"""Builders for the case tests, on the `org` cast: a committee meeting of Børne- og
Ungeudvalget and a case about Egeskovskolen in the state a test needs."""

from __future__ import annotations

from cases import services
from cases.models import Case, Hearing
from tests.factories import UserFactory, grant
from tests.meetings.helpers import meeting as make_meeting

ANSWER = (
    "Egeskovskolen støtter forslaget.\nVi beder om, at sammenlægningen først sker efter sommerferien – «trivsel» først."
)


def committee_meeting(org, *, days: float = 30):
    return make_meeting(org, days=days, title="Børne- og Ungeudvalgets møde", host=None)


def secretary(org):
    from organisation.models import Role

    person = UserFactory(email="sekretaer@test.example", full_name="Sara Sekretær")
    grant(person, Role.COMMITTEE_SECRETARY, committee=org.committee)
    return person


def make_case(org, status: str = Case.Status.IN_HEARING, *, meeting=None, workplaces=None, by=None) -> Case:
    """A case about org.workplace, moved to `status` through the services."""
    by = by or org.admin
    case = services.case_register(
        meeting=meeting or committee_meeting(org),
        title="Sammenlægning af SFO'er",
        summary="Forvaltningen foreslår at lægge to SFO'er sammen.",
        kind=Case.Kind.DECISION,
        workplaces=[org.workplace] if workplaces is None else workplaces,
        contact_name="Karen Forvaltning",
        contact_email="karen@test.example",
        esdh_number="27.00.00-A00-1-26",
        esdh_url="https://esdh.example/sag/1",
        by=by,
        open_hearing=status != Case.Status.DRAFT,
    )
    if status in (Case.Status.DRAFT, Case.Status.IN_HEARING):
        return case
    for hearing in case.hearings.all():
        services.hearing_submit(hearing=hearing, answer=ANSWER, version=hearing.version, by=org.leader)
    case = services.case_mark_ready(case=case, by=by)
    if status == Case.Status.READY:
        return Case.objects.get(pk=case.pk)
    case = services.case_mark_treated(case=case, by=by)
    if status == Case.Status.TREATED:
        return Case.objects.get(pk=case.pk)
    services.case_decide(case=case, by=by, decision_text="Udvalget godkender sammenlægningen.")
    return Case.objects.get(pk=case.pk)


def hearing_of(case: Case) -> Hearing:
    return case.hearings.get()
