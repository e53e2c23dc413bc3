"""The agreement's life: dialogue, approval, signatures, frozen revisions, follow-up, PDF."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agreements.models import Agreement, Approval, FollowUp, Revision
from agreements.services import TransitionError, agreement_approve, agreement_evaluate, agreement_sign

from .helpers import confirmed, goal_post, make_agreement, own_goal

pytestmark = pytest.mark.django_db


def test_the_chair_approves_and_both_signers_sign_before_it_is_agreed(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    client_for(org.chair).post(reverse("agreements:approve", args=[agreement.pk]), confirmed(agreement, "approve"))
    client_for(org.leader).post(reverse("agreements:sign", args=[agreement.pk]), confirmed(agreement, "sign"))
    agreement.refresh_from_db()
    assert agreement.status == "approved"
    client_for(org.centre_head).post(reverse("agreements:sign", args=[agreement.pk]), confirmed(agreement, "sign"))
    agreement.refresh_from_db()
    assert agreement.status == "agreed" and agreement.agreed_at is not None
    signatures = {a.kind: a.person for a in Approval.objects.filter(agreement=agreement)}
    assert signatures == {"chair": org.chair, "leader": org.leader, "centre_head": org.centre_head}
    assert [(c.from_status, c.to_status, c.by) for c in agreement.status_changes.all()] == [
        ("", "draft", org.leader),
        ("draft", "in_dialogue", org.leader),
        ("in_dialogue", "approved", org.chair),
        ("approved", "agreed", org.centre_head),
    ]
    revision = agreement.revisions.get()
    assert revision.number == 1 and revision.snapshot["goals"][-1]["title"] == "Eget mål 1"


def test_signing_twice_makes_one_signature(org):
    agreement = make_agreement(org, "in_dialogue")
    agreement_approve(agreement=agreement, chair=org.chair)
    agreement_sign(agreement=agreement, signer=org.leader, consent=True)
    with pytest.raises(PermissionDenied):  # signing is no longer an action for this person
        agreement_sign(agreement=agreement, signer=org.leader, consent=True)
    assert Approval.objects.filter(agreement=agreement, kind="leader").count() == 1


def test_an_administrator_cannot_approve_for_the_committee(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    assert (
        client_for(org.admin)
        .post(reverse("agreements:approve", args=[agreement.pk]), confirmed(agreement, "approve"))
        .status_code
        == 403
    )


def test_a_change_after_agreement_makes_a_new_revision_and_the_signed_one_stays(org, client_for):
    agreement = make_agreement(org, "agreed")
    goal = own_goal(agreement)
    client = client_for(org.leader)
    client.post(reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, title="Alle elever læser bedre"))
    agreement.refresh_from_db()
    assert agreement.revision_number == 2
    assert Revision.objects.get(agreement=agreement, number=1).snapshot["goals"][-1]["title"] == "Eget mål 1"
    assert (
        Revision.objects.get(agreement=agreement, number=2).snapshot["goals"][-1]["title"] == "Alle elever læser bedre"
    )
    # Autosaving on makes no revision per keystroke: the open revision grows.
    goal.refresh_from_db()
    client.post(reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, title="Alle elever læser meget bedre"))
    assert agreement.revisions.count() == 2
    page = client.get(reverse("agreements:revisions", args=[agreement.pk]), {"a": 1, "b": 2}).content.decode()
    assert "<del>Eget mål 1</del>" in page
    assert "<ins>" in page and "meget bedre" in page


def test_the_evaluation_needs_a_final_status_for_every_goal(org, client_for):
    agreement = make_agreement(org, "active", goals=2)
    with pytest.raises(TransitionError):
        agreement_evaluate(agreement=agreement, by=org.leader)
    goals = list(agreement.goals.all())
    data = {}
    for goal in goals:
        data |= {
            f"goal-{goal.pk}-status": "achieved",
            f"goal-{goal.pk}-note": "Nået",
            f"goal-{goal.pk}-indicator_value": "90",
        }
    response = client_for(org.leader).post(reverse("agreements:follow_up", args=[agreement.pk, "year_end"]), data)
    assert response.status_code == 302
    assert FollowUp.objects.filter(point="year_end").count() == len(goals)
    client_for(org.leader).post(reverse("agreements:evaluate", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == "evaluated"


def test_a_follow_up_with_a_note_but_no_status_gets_a_field_message(org, client_for):
    agreement = make_agreement(org, "active")
    goal = own_goal(agreement)
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("agreements:follow_up", args=[agreement.pk, "mid_year"]),
        {f"goal-{goal.pk}-status": "", f"goal-{goal.pk}-note": "Godt på vej"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a status for this goal." in body and "Godt på vej" in body


def test_the_agreement_page_shows_progress_with_a_text_alternative(org, client_for):
    agreement = make_agreement(org, "active", goals=2)
    client_for(org.leader).post(
        reverse("agreements:follow_up", args=[agreement.pk, "mid_year"]),
        {f"goal-{own_goal(agreement).pk}-status": "at_risk"},
    )
    client = client_for(org.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "At risk: <strong>1</strong>" in page
    assert "Not followed up yet: <strong>2</strong>" in page  # the shared goal and the second own goal


def test_the_pdf_reads_like_the_agreement(org, client_for):
    from pypdf import PdfReader

    agreement = make_agreement(org, "agreed", goals=2)
    response = client_for(org.employee).get(reverse("agreements:pdf", args=[agreement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    names = (org.chair.full_name, org.leader.full_name, org.centre_head.full_name)
    for expected in ("Egeskovskolen", "Eget mål 1", "Eget mål 2", "Fælles mål 1", *names):
        assert expected in text
    assert "/StructTreeRoot" in str(reader.trailer["/Root"].keys())  # a tagged PDF
    assert Agreement.objects.get(pk=agreement.pk).status == "agreed"


def test_the_start_page_asks_each_party_for_their_next_step(org, client_for):
    draft = make_agreement(org)
    home = reverse("portal:home")

    def steps(user) -> str:
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client.get(home).content.decode()

    assert "Continue the development agreement of Egeskovskolen" in steps(org.leader)
    client_for(org.leader).post(
        reverse("agreements:send_to_dialogue", args=[draft.pk]), confirmed(draft, "send_to_dialogue")
    )
    assert "Approve the development agreement of Egeskovskolen" in steps(org.chair)
    # The politicians read and comment while it is in dialogue (issue 16, point 1).
    assert "Read and comment on the development agreement of Egeskovskolen" in steps(org.member)
    assert "Sign the development agreement" not in steps(org.centre_head)  # not before the approval
    client_for(org.chair).post(reverse("agreements:approve", args=[draft.pk]), confirmed(draft, "approve"))
    assert "Approve the development agreement" not in steps(org.chair)
    assert "Sign the development agreement of Egeskovskolen" in steps(org.centre_head)
    assert "Sign the development agreement of Egeskovskolen" in steps(org.leader)
    # Approved: nothing left for the member to do (the notifications above tell what happened).
    assert "Read and comment on the development agreement" not in steps(org.member)


def test_the_leader_answers_a_comment_in_its_thread(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    goal = own_goal(agreement)
    client_for(org.member).post(reverse("agreements:comment_add", args=[goal.pk]), {"text": "Hvordan måler I det?"})
    question = goal.comments.get()
    client_for(org.leader).post(
        reverse("agreements:comment_add", args=[goal.pk]), {"text": "Med en læsetest", "reply_to": question.pk}
    )
    answer = goal.comments.get(author=org.leader)
    assert answer.reply_to == question
    page = client_for(org.centre_head).get(agreement.get_absolute_url()).content.decode()
    assert page.index("Hvordan måler I det?") < page.index("Med en læsetest")
    assert "comment-reply" in page
