"""Questions through fewer links: asked in the member's words, answered by the workplace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from outbox.models import Email
from questions import figures as figures_module
from questions import services
from questions.models import Question
from stories.models import Story
from tests.factories import WorkplaceFactory
from tests.questions.helpers import TEXT, answered, ask

pytestmark = pytest.mark.django_db


def form(org, **overrides):
    data = {
        "committee": org.committee.pk,
        "workplaces": [org.workplace.pk],
        "text": TEXT,
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "not_about_a_person": "on",
    }
    data.update(overrides)
    return data


def test_a_member_asks_in_their_own_words_and_the_text_is_kept_exactly(org, client_for):
    response = client_for(org.member).post(reverse("questions:ask"), form(org))
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.text == TEXT  # not trimmed, not reflowed
    # The leader is asked and the centre head copied, each once, through the outbox.
    families = sorted(Email.objects.values_list("family", "recipient_id"))
    assert families == sorted([("questions.asked", org.leader.pk), ("questions.copied", org.centre_head.pk)])
    html = client_for(org.leader).get(question.get_absolute_url()).content.decode()
    assert "Hvordan bruger I udeskolen i vintermånederne?\n\nOg hvad ville hjælpe jer?  </blockquote>" in html


def test_the_asker_must_confirm_it_is_not_about_a_person_and_keeps_what_they_typed(org, client_for):
    data = form(org)
    del data["not_about_a_person"]
    response = client_for(org.member).post(reverse("questions:ask"), data)
    assert response.status_code == 400
    assert "not_about_a_person" in response.context["form"].errors
    assert "Hvordan bruger I udeskolen" in response.content.decode()
    assert not Question.objects.exists()


def test_several_workplaces_of_the_committee_each_get_the_question(org, client_for):
    second = WorkplaceFactory(name="Havbakkeskolen", committees=[org.committee])
    client_for(org.member).post(reverse("questions:ask"), form(org, workplaces=[org.workplace.pk, second.pk]))
    assert sorted(Question.objects.values_list("workplace__name", flat=True)) == ["Egeskovskolen", "Havbakkeskolen"]
    assert len(set(Question.objects.values_list("group", flat=True))) == 1


def test_a_member_cannot_ask_a_workplace_outside_the_committee(org, client_for):
    response = client_for(org.member).post(reverse("questions:ask"), form(org, workplaces=[org.other_workplace.pk]))
    assert response.status_code == 400 and not Question.objects.exists()


def test_the_leader_hands_it_to_a_colleague_who_answers_under_their_own_name(org, client_for):
    question = ask(org)
    leader = client_for(org.leader)
    leader.post(reverse("questions:hand_over", args=[question.pk]), {"assignee": org.employee.pk})
    question.refresh_from_db()
    assert question.status == Question.Status.HANDED_OVER and question.assignee == org.employee
    # The colleague answers; the answer goes to the asker and the whole committee sees it.
    client_for(org.employee).post(reverse("questions:answer", args=[question.pk]), {"answer": "Hver tirsdag i skoven."})
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.answered_by == org.employee
    assert Email.objects.filter(family="questions.answered", recipient=org.member).count() == 1
    chair_page = client_for(org.chair).get(question.get_absolute_url()).content.decode()
    assert "Hver tirsdag i skoven." in chair_page and org.employee.full_name in chair_page


def test_the_deadline_can_be_renegotiated_once_with_a_reason(org, client_for):
    question = ask(org)
    leader = client_for(org.leader)
    later = (question.deadline + dt.timedelta(days=7)).isoformat()
    assert (
        leader.post(
            reverse("questions:move_deadline", args=[question.pk]), {"deadline": later, "reason": ""}
        ).status_code
        == 400
    )
    ok = leader.post(reverse("questions:move_deadline", args=[question.pk]), {"deadline": later, "reason": "Ferie"})
    assert ok.status_code == 302
    again = (question.deadline + dt.timedelta(days=9)).isoformat()
    second = leader.post(reverse("questions:move_deadline", args=[question.pk]), {"deadline": again, "reason": "Igen"})
    assert second.status_code == 400
    question.refresh_from_db()
    assert question.deadline.isoformat() == later and question.renegotiation_reason == "Ferie"
    assert Email.objects.filter(family="questions.deadline_moved").count() == 1


def test_nothing_is_public_until_both_sides_agree_then_it_waits_as_a_story(org, client_for):
    question = answered(org)
    client_for(org.member).post(reverse("questions:agree_to_publish", args=[question.pk]))
    assert not Story.objects.exists()
    client_for(org.leader).post(reverse("questions:agree_to_publish", args=[question.pk]))
    question.refresh_from_db()
    story = question.story
    assert story.status == Story.Status.SUBMITTED and story.visibility == Story.Visibility.INTERNAL
    assert "Vi går ud hver tirsdag." in story.body


def test_it_is_never_reachable_anonymously_nor_in_a_public_page(org, client):
    question = answered(org)
    assert client.get(question.get_absolute_url()).status_code == 302
    for name in ("stories:public", "stories:atom", "codex:public"):
        assert "udeskolen" not in client.get(reverse(name)).content.decode()


def test_the_committee_sees_open_and_answered_counts_and_the_median_time(org, client_for):
    first, second = ask(org), ask(org)
    services.question_answer(question=first, by=org.leader, answer="Svar")
    Question.objects.filter(pk=first.pk).update(
        asked_at=timezone.now() - dt.timedelta(days=4), answered_at=timezone.now() - dt.timedelta(days=1)
    )
    response = client_for(org.chair).get(reverse("questions:list"))
    assert response.context["open_count"] == 1 and response.context["answered_count"] == 1
    assert response.context["median_days"] == 3.0
    assert second.get_absolute_url() in response.content.decode()


def test_the_leadership_sees_every_question_open_by_deadline_and_answered_newest_first(org, client_for):
    late = ask(org, deadline=timezone.localdate() + dt.timedelta(days=30))
    soon = ask(org, deadline=timezone.localdate() + dt.timedelta(days=5))
    other = ask(
        org, asker=org.other_member, committee_id=org.other_committee.pk, workplace_ids=[org.other_workplace.pk]
    )
    first, second = answered(org), answered(org)
    Question.objects.filter(pk=first.pk).update(answered_at=timezone.now() - dt.timedelta(days=2))
    client = client_for(org.director)
    response = client.get(reverse("questions:list"))
    assert [row["pk"] for row in response.context["page"].object_list] == [soon.pk, other.pk, late.pk]
    assert (response.context["open_count"], response.context["answered_count"]) == (3, 2)
    html = response.content.decode()
    deadline = date_format(soon.deadline, "SHORT_DATE_FORMAT")
    assert f'<a class="fw-semibold" href="{soon.get_absolute_url()}">Hvordan bruger I udeskolen' in html
    assert f"{org.member.full_name} → {org.workplace.name} · " in html and f"svar senest {deadline}" in html
    assert reverse("questions:ask") not in html  # the director sits on no committee
    response = client.get(reverse("questions:list"), {"status": "answered"})
    assert [row["pk"] for row in response.context["page"].object_list] == [second.pk, first.pk]
    assert f"besvaret af {org.leader.full_name} " in response.content.decode()


def test_the_centre_head_lists_the_questions_to_the_centres_workplaces_only(org, client_for):
    mine = ask(org)
    ask(org, asker=org.other_member, committee_id=org.other_committee.pk, workplace_ids=[org.other_workplace.pk])
    response = client_for(org.centre_head).get(reverse("questions:list"))
    assert [row["pk"] for row in response.context["page"].object_list] == [mine.pk]
    assert (response.context["open_count"], response.context["answered_count"]) == (1, 0)


def test_the_leaderships_cached_figures_follow_every_change_to_the_questions(org, client_for):
    """The leadership's figures are cached under a version the database's triggers bump
    (questions/figures.py): a question asked, answered, changed by a queryset update or
    deleted shows on the next request; moving a deadline keeps them."""
    client = client_for(org.director)

    def figures():
        context = client.get(reverse("questions:list")).context
        return context["open_count"], context["answered_count"], context["median_days"]

    assert figures() == (0, 0, None)
    first = ask(org)
    assert figures() == (1, 0, None)
    second = answered(org)
    assert figures()[:2] == (1, 1)
    Question.objects.filter(pk=second.pk).update(asked_at=second.answered_at - dt.timedelta(days=6))
    assert figures() == (1, 1, 6.0)
    version = figures_module.data_version()
    services.question_move_deadline(
        question=first, by=org.leader, deadline=first.deadline + dt.timedelta(days=7), reason="Ferie"
    )
    assert figures_module.data_version() == version  # not a figure's column
    assert figures() == (1, 1, 6.0)
    Question.objects.filter(pk=first.pk).delete()
    assert figures() == (0, 1, 6.0)


@pytest.mark.parametrize("role", ["chair", "director"])
@pytest.mark.parametrize("size", [1, 40])
def test_the_list_runs_a_fixed_number_of_queries(org, client_for, django_assert_max_num_queries, size, role):
    for _ in range(size):
        ask(org)
    client = client_for(getattr(org, role))
    client.get(reverse("questions:list"))
    # user, roles, both counts and the median in one (the paginator's count too; for the
    # director the data version, the figures cached), the page
    with django_assert_max_num_queries(4):
        assert client.get(reverse("questions:list")).status_code == 200


def test_the_leaders_start_page_asks_for_the_answer(org, client_for):
    question = ask(org)
    steps = client_for(org.leader).get(reverse("portal:home")).context["next_steps"]
    assert any(step.url == question.get_absolute_url() for step in steps)
