"""Every (state, action, role) of the agreement's transition table, through the service and
through HTTP, against an expectation written out here (not read from the table)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, Approval, FollowUp, GoalComment
from agreements.workflows import AGREEMENT
from samspil.errors import ServiceError

from .helpers import confirmed, make_agreement, own_goal

pytestmark = pytest.mark.django_db

ROLES = ("admin", "director", "chair", "member", "leader", "employee", "centre_head", "other_leader", "nobody")
MANAGERS = {"leader", "admin"}
COMMENTERS = {"admin", "director", "chair", "member", "leader", "centre_head"}

# state → action → the roles allowed; every other (state, action, role) is refused.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "draft": {"edit": MANAGERS, "send_to_dialogue": MANAGERS},
    "in_dialogue": {"edit": MANAGERS, "comment": COMMENTERS, "approve": {"chair"}},
    "approved": {"comment": COMMENTERS, "withdraw_approval": {"chair"}, "sign": {"leader", "centre_head"}},
    "approved_signed_by_leader": {"comment": COMMENTERS, "sign": {"centre_head"}},
    "agreed": {"edit": MANAGERS, "comment": COMMENTERS, "follow_up": MANAGERS, "activate": MANAGERS},
    "active": {"edit": MANAGERS, "comment": COMMENTERS, "follow_up": MANAGERS, "evaluate": MANAGERS},
    "evaluated": {"archive": MANAGERS},
    "archived": {},
}
ACTIONS = (
    "edit",
    "send_to_dialogue",
    "comment",
    "approve",
    "withdraw_approval",
    "sign",
    "agree",
    "follow_up",
    "activate",
    "evaluate",
    "archive",
)


def test_the_table_declares_exactly_these_actions_and_states():
    assert AGREEMENT.actions == list(ACTIONS)
    assert set(AGREEMENT.states) == set(Agreement.Status.values)


def _build(org, state: str) -> Agreement:
    if state.startswith("approved"):
        agreement = make_agreement(org, "in_dialogue")
        services.agreement_approve(agreement=agreement, chair=org.chair)
        if state == "approved_signed_by_leader":
            services.agreement_sign(agreement=agreement, signer=org.leader, consent=True)
    else:
        agreement = make_agreement(org, state)
    if state == "active":  # every goal has its year-end status, so the evaluation can close
        for goal in agreement.goals.all():
            services.follow_up_record(
                goal=goal, point="year_end", status="achieved", note="", indicator_value="", author=org.leader
            )
    return Agreement.objects.get(pk=agreement.pk)


def _fingerprint(agreement_id: int) -> tuple:
    agreement = Agreement.objects.get(pk=agreement_id)
    return (
        agreement.status,
        agreement.introduction,
        Approval.objects.filter(agreement_id=agreement_id).count(),
        GoalComment.objects.filter(goal__agreement_id=agreement_id).count(),
        FollowUp.objects.filter(goal__agreement_id=agreement_id, point="mid_year").count(),
    )


def _service(action: str, agreement: Agreement, user):
    calls = {
        "send_to_dialogue": lambda: services.agreement_send_to_dialogue(agreement=agreement, by=user),
        "approve": lambda: services.agreement_approve(agreement=agreement, chair=user),
        "withdraw_approval": lambda: services.agreement_withdraw_approval(agreement=agreement, chair=user),
        "sign": lambda: services.agreement_sign(agreement=agreement, signer=user, consent=True),
        "activate": lambda: services.agreement_activate(agreement=agreement, by=user),
        "evaluate": lambda: services.agreement_evaluate(agreement=agreement, by=user),
        "archive": lambda: services.agreement_archive(agreement=agreement, by=user),
        # Taken only by the last signature (inside agreement_sign); nobody takes it directly.
        "agree": lambda: AGREEMENT.apply(agreement, "agree", user),
    }
    return calls.get(action)


def _http(action: str, client: Client, agreement: Agreement):
    goal = own_goal(agreement)
    pk = agreement.pk
    if action == "edit":
        return client.post(
            reverse("agreements:introduction_save", args=[pk]),
            {"introduction": "Ny indledning fra matrixen.", "introduction_version": agreement.introduction_version},
        )
    if action == "comment":
        return client.post(reverse("agreements:comment_add", args=[goal.pk]), {"text": "Et spørgsmål"})
    if action == "follow_up":
        return client.post(
            reverse("agreements:follow_up", args=[pk, "mid_year"]), {f"goal-{goal.pk}-status": "on_track"}
        )
    if action == "agree":
        return None  # no URL: the step belongs to the last signature
    if action in ("send_to_dialogue", "approve", "sign"):  # each behind its confirmation (issue 16.2)
        return client.post(reverse(f"agreements:{action}", args=[pk]), confirmed(agreement, action))
    return client.post(reverse(f"agreements:{action}", args=[pk]))


class _Rollback(Exception):
    pass


def _attempt(fn):
    """Run one attempt and undo it, so every triple starts from the same state."""
    outcome: dict = {}
    try:
        with transaction.atomic():
            outcome["value"] = fn()
            raise _Rollback
    except _Rollback:
        pass
    return outcome.get("value")


@pytest.mark.parametrize("state", list(EXPECTED))
def test_every_action_and_role_in_this_state(org, state):
    agreement = _build(org, state)
    before = _fingerprint(agreement.pk)
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(getattr(org, role))
    mismatches = []
    for action in ACTIONS:
        for role in ROLES:
            user = getattr(org, role)
            allowed = role in EXPECTED[state].get(action, set())
            fresh = Agreement.objects.get(pk=agreement.pk)
            if AGREEMENT.is_available(user, fresh, action) != allowed:
                mismatches.append((state, action, role, "table", not allowed))
            call = _service(action, fresh, user)
            if call is not None:

                def via_service(call=call):
                    try:
                        call()
                    except (PermissionDenied, ServiceError):
                        return "refused", _fingerprint(agreement.pk)
                    return "done", _fingerprint(agreement.pk)

                result, after = _attempt(via_service)
                if (result == "done") != allowed or (result == "refused" and after != before):
                    mismatches.append((state, action, role, "service", result))
                elif allowed and after == before:
                    mismatches.append((state, action, role, "service changed nothing", result))

            def via_http(action=action, role=role):
                response = _http(action, clients[role], Agreement.objects.get(pk=agreement.pk))
                if response is None:
                    return None
                return response.status_code, _fingerprint(agreement.pk)

            http = _attempt(via_http)
            if http is not None:
                status, after = http
                if allowed and (status not in (200, 302) or after == before):
                    mismatches.append((state, action, role, "http", status))
                if not allowed and (after != before or status not in (302, 403, 404)):
                    mismatches.append((state, action, role, "http", status))
    assert mismatches == []
