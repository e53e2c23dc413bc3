"""The workplace profile leads on: meetings, visit times, the agreement and stories —
each link only for someone who may open it, and each opens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.agreements.helpers import make_agreement

pytestmark = pytest.mark.django_db


def links(client, workplace) -> dict[str, str]:
    response = client.get(reverse("organisation:workplace", args=[workplace.slug]))
    assert response.status_code == 200
    return {str(label): url for label, url, _icon in response.context["links"]}


@pytest.mark.parametrize("role", ["leader", "member", "employee", "centre_head", "director", "chair"])
def test_every_link_on_the_profile_opens_for_its_reader(org, client_for, role):
    make_agreement(org, "in_dialogue")
    client = client_for(getattr(org, role))
    found = links(client, org.workplace)
    assert found, "the profile links somewhere"
    for url in found.values():
        assert client.get(url).status_code == 200, url


def test_the_leader_manages_visit_times_and_a_member_books_them(org, client_for):
    leader = links(client_for(org.leader), org.workplace)
    member = links(client_for(org.member), org.workplace)
    assert leader["Besøgstider"] == reverse("meetings:workplace_visit_times", args=[org.workplace.slug])
    assert member["Book besøg"].startswith(reverse("meetings:visit_times"))
    assert "Besøgstider" not in member and "Book besøg" not in leader


def test_the_agreement_is_linked_only_when_there_is_one_the_reader_may_see(org, client_for):
    assert "Udviklingsaftale" not in links(client_for(org.leader), org.workplace)
    agreement = make_agreement(org, "in_dialogue")
    assert links(client_for(org.leader), org.workplace)["Udviklingsaftale"] == agreement.get_absolute_url()


def test_the_login_page_leads_to_the_public_pages(client):
    html = client.get(reverse("account_login")).content.decode()
    for name in ("stories:public", "codex:public"):
        url = reverse(name)
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
