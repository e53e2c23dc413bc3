"""Races on PostgreSQL: concurrent saves of one version, concurrent signatures."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from agreements import drafting, services
from agreements.models import Approval, Goal
from samspil.errors import ServiceError

from .helpers import make_agreement, own_goal


def _together(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_sessions_saving_the_same_version_save_once_and_nine_get_the_conflict(org, postgres):
    goal = own_goal(make_agreement(org))

    def save(index: int) -> bool:
        data = {"kind": "own", "title": f"Udgave {index}", "why": f"Tekst {index}", "success": ""}
        return services.goal_save(goal=goal, data=data, partner_ids=[], version=1, by=org.leader).saved

    results = _together(10, save)
    assert results.count(True) == 1 and results.count(False) == 9
    saved = Goal.objects.get(pk=goal.pk)
    assert saved.version == 2 and saved.why == f"Tekst {results.index(True)}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signatures_make_one_agreed_revision(org, postgres):
    agreement = make_agreement(org, "in_dialogue")
    services.agreement_approve(agreement=agreement, chair=org.chair)
    signers = [org.leader, org.centre_head] * 3

    def sign(index: int) -> str:
        try:
            return services.agreement_sign(agreement=agreement, signer=signers[index], consent=True).status
        except (ServiceError, PermissionDenied):  # the other signer's capacity is taken, or it is agreed
            return "refused"

    _together(len(signers), sign)
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    assert Approval.objects.filter(agreement=agreement).count() == 3
    assert agreement.revisions.count() == 1 and agreement.status_changes.filter(to_status="agreed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_writers_of_one_field_at_one_version_save_once_and_nine_get_the_current_text(org, postgres):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    key = f"goal-{goal.pk}-why"

    def save(index: int):
        try:
            drafting.draft_field_save(agreement=agreement, key=key, value=f"Tekst {index}", version=1, by=org.leader)
            return "saved"
        except drafting.FieldConflict as conflict:
            return conflict.current

    results = _together(10, save)
    assert results.count("saved") == 1
    winner = f"Tekst {results.index('saved')}"
    losers = [r for r in results if r != "saved"]
    assert len(losers) == 9 and all(r.value == winner and r.version == 2 for r in losers)
    saved = Goal.objects.get(pk=goal.pk)
    assert saved.why == winner and saved.why_version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_of_different_fields_of_one_goal_at_once_all_land(org, postgres):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    edits = [
        ("title", "Ny titel"),
        ("why", "Ny begrundelse"),
        ("success", "Ny succes"),
        ("indicator_name", "Læsetest"),
        ("indicator_baseline", "70 %"),
    ]

    def save(index: int) -> int:
        name, value = edits[index]
        key = drafting.field_key(goal.pk, name)
        return drafting.draft_field_save(agreement=agreement, key=key, value=value, version=1, by=org.leader).version

    assert _together(len(edits), save) == [2] * len(edits)
    saved = Goal.objects.get(pk=goal.pk)
    assert [getattr(saved, name) for name, _value in edits] == [value for _name, value in edits]
    # The introduction has its own version too: a stale write of it is refused.
    drafting.draft_field_save(agreement=agreement, key="introduction", value="A", version=1, by=org.leader)
    with pytest.raises(drafting.FieldConflict):
        drafting.draft_field_save(agreement=agreement, key="introduction", value="B", version=1, by=org.admin)
