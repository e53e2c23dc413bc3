"""Issue 16.6 (1): the secretariat invites many people at once — a selection, a committee, a
workplace or everyone without an account — with progress and a report; one email per person
through the one outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import InvitationRound
from accounts.services import INVITATION_FAMILY, invitation_round_run
from organisation.models import Membership, Role
from outbox.models import Email
from tests import factories

pytestmark = pytest.mark.django_db


def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _imported(n: int, **membership) -> list:
    """People imported without an account (no password), each with a current role."""
    people = []
    for _n in range(n):
        person = factories.UserFactory()
        person.set_unusable_password()
        person.save()
        Membership.objects.create(person=person, **membership)
        people.append(person)
    return people


def _invitation_emails() -> list[int]:
    return list(Email.objects.filter(family=INVITATION_FAMILY).values_list("recipient_id", flat=True))


def test_a_committee_round_invites_each_person_once_and_reports_the_numbers(
    org, client_for, django_capture_on_commit_callbacks
):
    newcomers = _imported(4, role=Role.COMMITTEE_MEMBER, committee=org.committee)
    newcomers[3].is_active = False
    newcomers[3].save()
    admin = _english(client_for(org.admin))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("accounts:invitation_round_start"), {"scope": "committee", "committee": org.committee.pk}
        )
    assert response.status_code == 302
    invitation_round = InvitationRound.objects.get()
    assert response["Location"] == reverse("accounts:invitation_round", args=[invitation_round.pk])
    # The chair and the member of the committee have accounts (the org's password).
    had_account = (
        Membership.objects.current()
        .filter(committee=org.committee)
        .exclude(person__in=newcomers)
        .values("person")
        .distinct()
        .count()
    )
    assert invitation_round.status == "done" and invitation_round.total == 4 + had_account
    assert invitation_round.report["invited"] == 3
    assert invitation_round.report["had_account"] == had_account
    assert invitation_round.report["failed"] == [
        {"name": newcomers[3].full_name, "email": newcomers[3].email, "reason": "The person is deactivated."}
    ]
    assert sorted(_invitation_emails()) == sorted(p.pk for p in newcomers[:3])  # once each

    page = admin.get(response["Location"]).content.decode()
    assert "3 invited" in page and f"{had_account} already had an account" in page
    assert "1 could not be invited" in page and newcomers[3].full_name in page
    assert "The person is deactivated." in page


def test_a_round_delivered_twice_sends_nothing_more(org, django_capture_on_commit_callbacks):
    from accounts.services import invitation_round_create

    _imported(3, role=Role.EMPLOYEE, workplace=org.workplace)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_round = invitation_round_create(scope="workplace", workplace=org.workplace, invited_by=org.admin)
    assert invitation_round_run(round_id=invitation_round.pk) is None  # already claimed and done
    assert len(_invitation_emails()) == 3


def test_a_selection_and_everyone_without_an_account(org, client_for, django_capture_on_commit_callbacks):
    chosen = _imported(2, role=Role.EMPLOYEE, workplace=org.workplace)
    others = _imported(3, role=Role.EMPLOYEE, workplace=org.other_workplace)
    admin = client_for(org.admin)
    url = reverse("accounts:invitation_round_start")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"scope": "selection", "people": [p.pk for p in chosen] + [org.leader.pk]})
    selection = InvitationRound.objects.get()
    assert selection.report["invited"] == 2 and selection.report["had_account"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"scope": "without_account"})
    everyone = InvitationRound.objects.exclude(pk=selection.pk).get()
    # Everyone without a password: the two chosen again (a fresh link) and the three others.
    assert everyone.report["invited"] >= 5 and everyone.report["failed"] == []
    emails = _invitation_emails()
    assert emails.count(chosen[0].pk) == 2 and emails.count(others[0].pk) == 1


def test_a_round_without_its_committee_is_refused_at_the_field(org, client_for):
    response = _english(client_for(org.admin)).post(reverse("accounts:invitation_round_start"), {"scope": "committee"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_committee-error"' in page and "Choose a committee." in page
    assert not InvitationRound.objects.exists()


def test_the_progress_shows_while_the_round_runs(org, client_for):
    invitation_round = InvitationRound.objects.create(
        scope="without_account", label="Everyone without an account", total=200, processed=50, status="running"
    )
    client = _english(client_for(org.admin))
    page = client.get(reverse("accounts:invitation_round", args=[invitation_round.pk])).content.decode()
    assert "50 of 200 people done" in page and 'value="25"' in page and "hx-trigger" in page
    partial = client.get(reverse("accounts:invitation_round", args=[invitation_round.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="round-progress"')


def test_the_invitations_page_costs_the_same_queries_at_two_sizes(org, client_for, django_assert_max_num_queries):
    admin = client_for(org.admin)
    url = reverse("accounts:invitations")
    _imported(2, role=Role.EMPLOYEE, workplace=org.workplace)
    InvitationRound.objects.create(scope="without_account", label="x", created_by=org.admin)
    admin.get(url)
    with django_assert_max_num_queries(60) as small:
        assert admin.get(url).status_code == 200
    _imported(30, role=Role.EMPLOYEE, workplace=org.workplace)
    for _n in range(6):
        InvitationRound.objects.create(scope="without_account", label="x", created_by=org.admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin.get(url).status_code == 200
