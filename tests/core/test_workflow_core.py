"""The shared core: samspil.errors and samspil.workflow, through a small table of its own."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection, transaction
from django.template import Context, Template

from agreements.models import Agreement
from samspil.errors import Conflict, ServiceError
from samspil.workflow import Transition, Workflow, get_workflow
from tests.agreements.helpers import make_agreement

S = Agreement.Status


def _is_leader(user, agreement) -> bool:
    return user is not None and user.email.startswith("leader@")


TOY = Workflow(
    name="test-toy",
    transitions=[
        Transition("send", sources=(S.DRAFT,), target=S.IN_DIALOGUE, allowed=_is_leader),
        Transition("back", sources=(S.IN_DIALOGUE,), target=S.DRAFT, allowed=lambda u, o: True, voids=("comments",)),
        Transition(
            "guarded",
            sources=S.DRAFT,
            target=S.ARCHIVED,
            allowed=lambda u, o: True,
            when=lambda o: o.introduction != "",
            refusal="Skriv en indledning først.",
        ),
    ],
)


def test_service_error_carries_message_field_and_code():
    error = ServiceError("Forkert dato", field="starts_at", code="past")
    assert (error.message, error.field, error.code, str(error)) == ("Forkert dato", "starts_at", "past", "Forkert dato")
    assert ServiceError("nej").code == "invalid" and ServiceError("nej").field is None
    conflict = Conflict("Nogen kom før dig", current={"text": "A"})
    assert isinstance(conflict, ServiceError) and conflict.current == {"text": "A"} and conflict.code == "conflict"
    assert conflict.as_dict() == {"error": "Nogen kom før dig", "field": None, "code": "conflict"}


def test_table_lists_actions_states_and_a_lone_source_becomes_a_tuple():
    assert TOY.actions == ["send", "back", "guarded"]
    assert TOY.transition("guarded").sources == ("draft",)
    assert set(TOY.states) == {"draft", "in_dialogue", "archived"}
    assert TOY.sources_allowing("send", "guarded") == ("draft",)
    with pytest.raises(ServiceError) as error:
        TOY.transition("fly")
    assert error.value.code == "unknown_action"
    with pytest.raises(ValueError):
        Workflow(name="test-dup", transitions=[Transition("a", ("x",), "y"), Transition("a", ("y",), "x")])


def test_forgotten_predicate_refuses():
    assert Transition("a", ("x",), "y").allowed(object(), object()) is False


def test_available_actions_follow_state_person_and_condition(org):
    agreement = make_agreement(org)
    assert TOY.available_actions(org.leader, agreement) == ["send"]  # no introduction: guarded hidden
    assert TOY.available_actions(org.member, agreement) == []
    agreement.introduction = "Om kerneopgaven"
    assert TOY.available_actions(org.member, agreement) == ["guarded"]


def test_apply_moves_state_and_writes_changes_in_one_update(org):
    agreement = make_agreement(org)
    TOY.apply(agreement, "send", org.leader, introduction="Ny tekst")
    assert agreement.status == S.IN_DIALOGUE and agreement.introduction == "Ny tekst"
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert (fresh.status, fresh.introduction) == (S.IN_DIALOGUE, "Ny tekst")


def test_apply_refuses_wrong_person_wrong_state_and_failed_condition(org):
    agreement = make_agreement(org)
    with pytest.raises(PermissionDenied):
        TOY.apply(agreement, "send", org.member)
    with pytest.raises(ServiceError) as error:
        TOY.apply(agreement, "back", org.leader)
    assert error.value.code == "not_available"
    with pytest.raises(ServiceError) as error:
        TOY.apply(agreement, "guarded", org.leader)
    assert (error.value.code, error.value.message) == ("condition", "Skriv en indledning først.")
    assert Agreement.objects.get(pk=agreement.pk).status == S.DRAFT


def test_a_stale_object_loses_with_conflict_and_the_current_row(org):
    agreement = make_agreement(org)
    stale = Agreement.objects.get(pk=agreement.pk)
    TOY.apply(agreement, "send", org.leader)
    with pytest.raises(Conflict) as error:
        TOY.apply(stale, "send", org.leader)
    assert error.value.current.status == S.IN_DIALOGUE
    assert Agreement.objects.get(pk=agreement.pk).status == S.IN_DIALOGUE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_applies_one_wins_one_conflicts(postgres):
    from tests.factories import build_org

    org = build_org()
    agreement = make_agreement(org)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act():
        close_old_connections()
        try:
            mine = Agreement.objects.get(pk=agreement.pk)
            barrier.wait(timeout=10)
            with transaction.atomic():
                TOY.apply(mine, "send", org.leader)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=act) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]


def test_template_tag_renders_buttons_from_available_actions(org):
    agreement = make_agreement(org)
    template = Template(
        '{% load workflows %}{% available_actions "test-toy" agreement as actions %}'
        '{% if "send" in actions %}<button>Send</button>{% endif %}{% if "back" in actions %}back{% endif %}'
    )
    assert template.render(Context({"user": org.leader, "agreement": agreement})) == "<button>Send</button>"
    assert template.render(Context({"user": org.member, "agreement": agreement})) == ""
    assert get_workflow("test-toy") is TOY
    with pytest.raises(LookupError):
        get_workflow("no-such-workflow")
