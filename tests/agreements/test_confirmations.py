"""Issue 16.2: sending to dialogue, approving and signing an agreement each go through a
confirmation page that says what will happen and names the people it concerns; a POST
without the page's box ticked is refused with the message at the box and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, Approval
from samspil.errors import ServiceError

from .helpers import confirmed, make_agreement, own_goal

pytestmark = pytest.mark.django_db


def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _status(agreement) -> str:
    return Agreement.objects.get(pk=agreement.pk).status


def test_the_detail_page_leads_to_the_confirmation_instead_of_acting_on_one_click(org, client_for):
    agreement = make_agreement(org, "draft")
    page = client_for(org.leader).get(agreement.get_absolute_url()).content.decode()
    url = reverse("agreements:send_to_dialogue", args=[agreement.pk])
    assert f'href="{url}"' in page and f'action="{url}"' not in page


def test_sending_to_dialogue_names_the_committee_and_the_head_of_area(org, client_for):
    agreement = make_agreement(org, "draft")
    client = _english(client_for(org.leader))
    page = client.get(reverse("agreements:send_to_dialogue", args=[agreement.pk])).content.decode()
    assert "Send the draft to dialogue?" in page
    for person in (org.chair, org.member, org.centre_head):
        assert person.full_name in page
    for stranger in (org.other_member, org.employee, org.other_leader):
        assert stranger.full_name not in page


def test_sending_to_dialogue_without_the_box_is_refused_at_the_box(org, client_for):
    agreement = make_agreement(org, "draft")
    client = _english(client_for(org.leader))
    response = client.post(reverse("agreements:send_to_dialogue", args=[agreement.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_confirm-error"' in page and "Tick the box to confirm that the draft goes to dialogue." in page
    assert 'aria-invalid="true"' in page
    assert _status(agreement) == "draft"
    response = client.post(reverse("agreements:send_to_dialogue", args=[agreement.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert _status(agreement) == "in_dialogue"


def test_approving_names_whose_signatures_come_next(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    page = _english(client_for(org.chair)).get(reverse("agreements:approve", args=[agreement.pk])).content.decode()
    assert "Approve the agreement for the committee?" in page
    assert "Signatures needed next" in page
    assert org.leader.full_name in page and org.centre_head.full_name in page
    assert "have not been answered" not in page and 'name="approve_anyway"' not in page


def test_approving_without_the_box_is_refused_and_with_it_goes_through(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    client = _english(client_for(org.chair))
    url = reverse("agreements:approve", args=[agreement.pk])
    sha = services.current_text_sha256(agreement)
    response = client.post(url, {"text_sha256": sha})
    assert response.status_code == 400
    assert "Tick the box to confirm the approval." in response.content.decode()
    assert not Approval.objects.filter(agreement=agreement).exists()
    assert client.post(url, {"text_sha256": sha, "confirm": "on"}).status_code == 302
    assert _status(agreement) == "approved"


def test_an_unanswered_comment_warns_and_needs_an_explicit_approve_anyway(org, client_for):
    agreement = make_agreement(org, "in_dialogue", goals=2)
    goals = list(agreement.goals.order_by("order"))
    asked = services.comment_add(goal=goals[0], author=org.member, text="Hvordan måler I læseglæden?")
    answered = services.comment_add(goal=goals[1], author=org.centre_head, text="Godt mål.")
    services.comment_add(goal=goals[1], author=org.leader, text="Tak!", reply_to=answered)
    services.comment_add(goal=goals[1], author=org.leader, text="Vi tilføjer en milepæl.")  # the leader's own note
    client = _english(client_for(org.chair))
    url = reverse("agreements:approve", args=[agreement.pk])

    page = client.get(url).content.decode()
    assert "1 comment has not been answered" in page
    assert asked.text in page and org.member.full_name in page
    assert answered.text not in page and "Vi tilføjer en milepæl." not in page
    assert 'name="approve_anyway"' in page and "Approve anyway" in page

    response = client.post(url, confirmed(agreement, "approve"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_approve_anyway-error"' in page and "Some comments have not been answered" in page
    assert _status(agreement) == "in_dialogue"

    assert client.post(url, confirmed(agreement, "approve", approve_anyway="on")).status_code == 302
    assert _status(agreement) == "approved"


def test_the_service_refuses_an_approval_over_an_unanswered_comment_unless_told_to(org):
    agreement = make_agreement(org, "in_dialogue")
    services.comment_add(goal=own_goal(agreement), author=org.member, text="Et spørgsmål?")
    with pytest.raises(ServiceError) as refusal:
        services.agreement_approve(agreement=agreement, chair=org.chair)
    assert refusal.value.field == "approve_anyway" and refusal.value.code == "unanswered_comments"
    services.agreement_approve(agreement=agreement, chair=org.chair, approve_anyway=True)
    assert _status(agreement) == "approved"


def test_signing_shows_the_text_and_names_who_signs_after(org, client_for):
    agreement = make_agreement(org, "approved")
    url = reverse("agreements:sign", args=[agreement.pk])
    page = _english(client_for(org.leader)).get(url).content.decode()
    assert "The text you sign" in page and "Eget mål 1" in page
    assert services.current_text_sha256(agreement) in page
    assert "I have read the agreement above and sign it." in page
    assert "Still to sign after you" in page and org.centre_head.full_name in page
    services.agreement_sign(agreement=agreement, signer=org.leader, consent=True)
    page = _english(client_for(org.centre_head)).get(url).content.decode()
    assert "Yours is the last signature" in page and "Still to sign after you" not in page


def test_signing_without_consent_is_refused_at_the_box_as_for_the_code(org, client_for):
    agreement = make_agreement(org, "approved")
    client = _english(client_for(org.leader))
    url = reverse("agreements:sign", args=[agreement.pk])
    sha = services.current_text_sha256(agreement)
    response = client.post(url, {"text_sha256": sha})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_consent-error"' in page
    assert "Tick the box to confirm that you have read the agreement and sign it." in page
    assert not Approval.objects.filter(agreement=agreement, kind="leader").exists()
    assert client.post(url, {"text_sha256": sha, "consent": "on"}).status_code == 302
    assert Approval.objects.filter(agreement=agreement, kind="leader", person=org.leader).exists()


def test_the_sign_service_itself_requires_consent(org):
    agreement = make_agreement(org, "approved")
    with pytest.raises(ServiceError) as refusal:
        services.agreement_sign(agreement=agreement, signer=org.leader, consent=False)
    assert refusal.value.field == "consent"
    assert not Approval.objects.filter(agreement=agreement, kind="leader").exists()


@pytest.mark.parametrize(
    "step,state,role",
    [("send_to_dialogue", "draft", "leader"), ("approve", "in_dialogue", "chair"), ("sign", "approved", "leader")],
)
def test_each_confirmation_page_costs_the_same_queries_at_two_sizes(
    org, client_for, django_assert_max_num_queries, step, state, role
):
    """The pages name people and comments: the queries must not grow with them."""
    from organisation.models import Membership, Role
    from tests import factories

    agreement = make_agreement(org, state, goals=1)
    client = client_for(getattr(org, role))
    url = reverse(f"agreements:{step}", args=[agreement.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    committee = agreement.workplace.committees.first()
    for _n in range(15):
        person = factories.UserFactory()
        Membership.objects.create(person=person, role=Role.COMMITTEE_MEMBER, committee=committee)
    for goal in agreement.goals.all():
        for n in range(5):
            services.comment_add(goal=goal, author=org.member, text=f"Spørgsmål {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
