"""The committee case's states, as one transition table (samspil/workflow.py).

draft → in hearing → ready for the committee → treated → decided. The hearing gate is the
`when` of `mark_ready`: no open hearing. An administrator's `override` takes the same step
with a reason instead (cases/services.py, case_override).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organisation.permissions import is_administrator
from samspil.workflow import Transition, Workflow

from .models import Case
from .permissions import is_case_secretariat

S = Case.Status


def _no_open_hearing(case: Case) -> bool:
    # The case page prefetches the hearings; a service reads them fresh.
    return not any(hearing.status == "open" for hearing in case.hearings.all())


CASE_WORKFLOW = Workflow(
    name="cases.case",
    transitions=[
        Transition("open_hearing", (S.DRAFT,), S.IN_HEARING, allowed=is_case_secretariat, label=_("Open the hearing")),
        Transition(
            "mark_ready",
            (S.IN_HEARING,),
            S.READY,
            allowed=is_case_secretariat,
            when=_no_open_hearing,
            refusal=_("A hearing is still open: the case can go to the committee when every workplace has answered."),
            label=_("Ready for the committee"),
        ),
        Transition(
            "override",
            (S.IN_HEARING,),
            S.READY,
            allowed=is_administrator,
            when=lambda case: not _no_open_hearing(case),
            label=_("Go on without the open hearings"),
        ),
        Transition(
            "mark_treated", (S.READY,), S.TREATED, allowed=is_case_secretariat, label=_("Treated at the meeting")
        ),
        Transition("decide", (S.TREATED,), S.DECIDED, allowed=is_case_secretariat, label=_("Record the decision")),
    ],
)
