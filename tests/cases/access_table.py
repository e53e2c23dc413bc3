"""Who may use each committee-case URL. The case concerns org.workplace (Egeskovskolen) and
is planned for a meeting of org.committee (tests/cases/helpers.py); it is built per row in
the state the row names."""

from cases.models import Case, Contribution, Hearing, HearingInvitee
from tests.access import Row, everyone

from .helpers import ANSWER, committee_meeting, hearing_of, make_case

# A case in draft: the secretariat (administrators), the chair, directors.
DRAFT_READERS = ("admin", "director", "chair")
# From the hearing on: also the committee, the workplace's staff and its centre head.
READERS = (*DRAFT_READERS, "member", "leader", "employee", "union_rep", "med_contact", "centre_head")
SEES_COVERAGE = {"admin": 200, "director": 200, "chair": 200, "centre_head": 200}


def readers(names, status=200):
    return {name: status for name in names}


def writers(names, status=302, allowed=("admin", "chair")):
    return {name: (status if name in allowed else 403) for name in names}


def case_in(status):
    def setup(org):
        org._case = make_case(org, status)
        return {"pk": org._case.pk}

    return setup


def hearing_in(status, answered=False):
    def setup(org):
        org._case = make_case(org, status)
        org._hearing = hearing_of(org._case)
        return {"pk": org._hearing.pk}

    return setup


def requested(org):
    from cases import services

    org._case = make_case(org)
    org._hearing = services.hearing_ask_to_speak(
        hearing=hearing_of(org._case), presenter=None, presenter_name="Frida Fagleder", presenter_title="Fagleder"
    )
    return {"pk": org._hearing.pk, "decision": "accept"}


def case_state(org):
    return list(Case.objects.values_list("status", "override_reason", "decision_text"))


def hearing_state(org):
    return list(Hearing.objects.values_list("status", "answer", "version", "speaking", "submitted_text"))


ROWS = [
    Row("cases:list", expect=everyone(200)),
    Row("cases:create", expect={"admin": 200, "chair": 200}, others=403),
    Row(
        "cases:create",
        method="POST",
        data={"title": ""},
        expect={"admin": 400, "chair": 400},
        others=403,
        unchanged=lambda o: Case.objects.count(),
    ),
    Row("cases:figures", expect=SEES_COVERAGE),
    Row("cases:figures_export", expect=SEES_COVERAGE),
    # The committee's agenda view: whoever sees the committee meeting.
    Row(
        "cases:agenda",
        setup=lambda o: {"pk": make_case(o, meeting=committee_meeting(o)).meeting_id},
        expect=readers(("admin", "director", "chair", "member")),
    ),
    Row("cases:detail", setup=case_in(Case.Status.DRAFT), expect=readers(DRAFT_READERS)),
    Row("cases:detail", setup=case_in(Case.Status.IN_HEARING), expect=readers(READERS)),
    Row("cases:detail", setup=case_in(Case.Status.DECIDED), expect=readers(READERS)),
    Row("cases:print", setup=case_in(Case.Status.IN_HEARING), expect=readers(READERS)),
    Row("cases:pdf", setup=case_in(Case.Status.READY), expect=readers(READERS)),
    Row(
        "cases:action",
        method="POST",
        setup=lambda o: {**case_in(Case.Status.DRAFT)(o), "action": "open_hearing"},
        expect=writers(DRAFT_READERS),
        unchanged=case_state,
    ),
    Row(
        "cases:action",
        method="POST",
        setup=lambda o: {**case_in(Case.Status.READY)(o), "action": "mark_treated"},
        expect=writers(READERS),
        unchanged=case_state,
    ),
    Row(
        "cases:override",
        method="POST",
        setup=case_in(Case.Status.IN_HEARING),
        data={"reason": "Budgetfristen"},
        expect=writers(READERS, allowed=("admin",)),
        unchanged=case_state,
    ),
    Row(
        "cases:decide",
        method="POST",
        setup=case_in(Case.Status.TREATED),
        data={"decision_text": "Godkendt"},
        expect=writers(READERS),
        unchanged=case_state,
    ),
    # An open hearing with its draft: the leader only (nobody is invited in these rows).
    Row("cases:hearing", setup=hearing_in(Case.Status.IN_HEARING), expect={"leader": 200}),
    # A submitted answer: everyone who sees the case.
    Row("cases:hearing", setup=hearing_in(Case.Status.READY), expect=readers(READERS)),
    Row(
        "cases:answer_save",
        method="POST",
        setup=hearing_in(Case.Status.IN_HEARING),
        data={"answer": "Overskrevet", "version": 1},
        expect={"leader": 302},
        unchanged=hearing_state,
    ),
    Row(
        "cases:submit",
        method="POST",
        setup=hearing_in(Case.Status.IN_HEARING),
        data={"answer": ANSWER, "version": 1},
        expect={"leader": 302},
        unchanged=hearing_state,
    ),
    Row(
        "cases:no_comments",
        method="POST",
        setup=hearing_in(Case.Status.IN_HEARING),
        expect={"leader": 302},
        unchanged=hearing_state,
    ),
    Row(
        "cases:invite",
        method="POST",
        setup=hearing_in(Case.Status.IN_HEARING),
        data=lambda o: {"people": [o.employee.pk]},
        expect={"leader": 302},
        unchanged=lambda o: HearingInvitee.objects.count(),
    ),
    # Nobody is invited in this row: only invited employees add input (the leader writes the answer).
    Row(
        "cases:contribute",
        method="POST",
        setup=hearing_in(Case.Status.IN_HEARING),
        data={"text": "Et bidrag"},
        expect={"leader": 403},
        unchanged=lambda o: Contribution.objects.count(),
    ),
    Row(
        "cases:speak",
        method="POST",
        setup=hearing_in(Case.Status.IN_HEARING),
        data={"presenter_name": "Frida Fagleder", "presenter_title": "Fagleder"},
        expect={"leader": 302},
        unchanged=hearing_state,
    ),
    # The chair decides from the case page: readers of the case who are not the chair get 403.
    Row(
        "cases:speak_decide",
        method="POST",
        setup=requested,
        data={"minutes": 10},
        expect=writers(READERS, allowed=("chair",)),
        unchanged=hearing_state,
    ),
    # The agenda system's JSON answers to its token, not to a login (tests/cases/test_hearing.py).
    Row("cases:api_case", setup=case_in(Case.Status.READY), expect=everyone(401), anonymous=401),
]
