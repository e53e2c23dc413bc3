"""The development agreement's transition table: the one place its steps are declared.

    draft ──send_to_dialogue──▶ in_dialogue ──approve──▶ approved ──sign × 2, agree──▶ agreed
          ◀────────── withdraw_approval (the chair, before anyone signed) ──┘
    agreed ──activate──▶ active ──evaluate──▶ evaluated ──archive──▶ archived

Self-loops (target None) are the things people do without moving the state: edit the
text, comment, sign, follow up. The text is editable in draft and in dialogue; from the
chair's approval until the last signature it is refused (the approval and the signatures
are bound to one text, by its SHA-256); after agreement a change makes a new revision and
the signed revision 1 stays as it was.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from organisation.permissions import (
    chairs_committee_of_workplace,
    heads_centre_of_workplace,
    is_administrator,
    is_leadership,
    leads_workplace,
    of,
    sits_on_committee_of_workplace,
)
from samspil.workflow import Transition, Workflow

from .models import Agreement, Approval

S = Agreement.Status


def _workplace(agreement: Agreement):
    return agreement.workplace


leads = of(leads_workplace, _workplace, "leads_agreement_workplace")
heads_centre = of(heads_centre_of_workplace, _workplace, "heads_agreement_centre")
chairs = of(chairs_committee_of_workplace, _workplace, "chairs_agreement_committee")
sits_on_committee = of(sits_on_committee_of_workplace, _workplace, "sits_on_agreement_committee")


def required_signatures(agreement: Agreement) -> list[str]:
    """The chair's approval, the leader's and (when the workplace has a centre) the head's."""
    kinds = [Approval.Kind.CHAIR, Approval.Kind.LEADER]
    if agreement.workplace.centre_id:
        kinds.append(Approval.Kind.CENTRE_HEAD)
    return kinds


def approvals_of(agreement: Agreement) -> dict[str, Approval]:
    """The approval and signatures of the text being agreed (round 0), cached on the object
    so a page asking several predicates reads them once; services drop the cache."""
    cached = agreement.__dict__.get("_approvals")
    if cached is None:
        cached = {a.kind: a for a in agreement.approvals.filter(round=0).select_related("person")}
        agreement.__dict__["_approvals"] = cached
    return cached


def forget_approvals(agreement: Agreement) -> None:
    agreement.__dict__.pop("_approvals", None)


def signing_kind(user, agreement: Agreement) -> str | None:
    """The signature this person would give now: the leader's, else the head of area's —
    whichever of their capacities has not signed yet."""
    done = approvals_of(agreement)
    if leads.test(user, agreement) and Approval.Kind.LEADER not in done:
        return Approval.Kind.LEADER
    if agreement.workplace.centre_id and heads_centre.test(user, agreement) and Approval.Kind.CENTRE_HEAD not in done:
        return Approval.Kind.CENTRE_HEAD
    return None


@rules.predicate
def may_sign(user, agreement) -> bool:
    return agreement is not None and signing_kind(user, agreement) is not None


@rules.predicate
def nobody_signed_yet(user, agreement) -> bool:
    return agreement is not None and set(approvals_of(agreement)) <= {Approval.Kind.CHAIR}


@rules.predicate
def signatures_complete(user, agreement) -> bool:
    """Not a person's choice: the last signature takes this step (services.agreement_sign)."""
    return agreement is not None and set(required_signatures(agreement)) <= set(approvals_of(agreement))


manages = leads | is_administrator

AGREEMENT = Workflow(
    name="agreement",
    transitions=[
        Transition("edit", (S.DRAFT, S.IN_DIALOGUE, S.AGREED, S.ACTIVE), None, allowed=manages),
        Transition("send_to_dialogue", (S.DRAFT,), S.IN_DIALOGUE, allowed=manages, label=_("Send to dialogue")),
        Transition(
            "comment",
            (S.IN_DIALOGUE, S.APPROVED, S.AGREED, S.ACTIVE),
            None,
            allowed=is_leadership | leads | heads_centre | sits_on_committee,
        ),
        Transition("approve", (S.IN_DIALOGUE,), S.APPROVED, allowed=chairs, label=_("Approve for the committee")),
        Transition(
            "withdraw_approval",
            (S.APPROVED,),
            S.IN_DIALOGUE,
            allowed=chairs & nobody_signed_yet,
            voids=("approval",),
            label=_("Withdraw the approval"),
        ),
        Transition("sign", (S.APPROVED,), None, allowed=may_sign, label=_("Sign the agreement")),
        Transition("agree", (S.APPROVED,), S.AGREED, allowed=signatures_complete),
        Transition("follow_up", (S.AGREED, S.ACTIVE), None, allowed=manages),
        Transition("activate", (S.AGREED,), S.ACTIVE, allowed=manages, label=_("Mark as active")),
        Transition("evaluate", (S.ACTIVE,), S.EVALUATED, allowed=manages, label=_("Close the evaluation")),
        Transition("archive", (S.EVALUATED,), S.ARCHIVED, allowed=manages, label=_("Archive")),
    ],
)

# Who sees the agreement in which states: visibility, declared next to the table it follows.
EDITABLE_STATES = AGREEMENT.sources_allowing("edit")
COMMITTEE_SEES = (S.IN_DIALOGUE, S.APPROVED, S.AGREED, S.ACTIVE, S.EVALUATED, S.ARCHIVED)
EMPLOYEES_SEE = (S.AGREED, S.ACTIVE)
