"""The signed-in person's roles come with their user row (organisation/roles.py,
accounts.backends.AuthenticationBackend) and are exactly as current as a query of their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.backends import AuthenticationBackend
from organisation.models import Membership, Role
from organisation.roles import roles_of
from tests.factories import grant


def test_the_login_backend_is_allauths_with_the_roles_loaded_alongside():
    from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.backends.AuthenticationBackend"
    assert issubclass(AuthenticationBackend, AllauthBackend)
    assert "allauth.account.auth_backends.AuthenticationBackend" not in settings.AUTHENTICATION_BACKENDS


@pytest.mark.parametrize("who", ["chair", "leader", "centre_head", "director", "admin", "nobody", "employee"])
def test_the_roles_loaded_with_the_user_are_the_roles_a_query_finds(who, org, django_assert_num_queries):
    grant(org.chair, Role.COMMITTEE_SECRETARY, committee=org.other_committee)
    grant(org.chair, Role.EMPLOYEE, workplace=org.workplace, ends_on=timezone.localdate() - dt.timedelta(days=1))
    person = getattr(org, who)
    with django_assert_num_queries(1):
        user = AuthenticationBackend().get_user(person.pk)
    with django_assert_num_queries(0):
        folded = roles_of(user)
    assert folded == roles_of(get_user_model().objects.get(pk=person.pk))


def test_an_inactive_or_unknown_account_is_no_user(org):
    org.nobody.is_active = False
    org.nobody.save()
    assert AuthenticationBackend().get_user(org.nobody.pk) is None
    assert AuthenticationBackend().get_user(10**9) is None


def test_a_role_that_starts_or_ends_is_seen_on_the_very_next_request(org, client_for):
    client = client_for(org.nobody)
    visit_times = reverse("meetings:visit_times")
    assert client.get(visit_times).status_code in (403, 404)
    membership = grant(org.nobody, Role.COMMITTEE_MEMBER, committee=org.committee, starts_on=timezone.localdate())
    assert client.get(visit_times).status_code == 200
    membership.ends_on = timezone.localdate() - dt.timedelta(days=1)
    membership.starts_on = membership.ends_on
    membership.save()
    assert client.get(visit_times).status_code in (403, 404)
    Membership.objects.filter(pk=membership.pk).update(ends_on=timezone.localdate())  # ends today: still counts
    assert client.get(visit_times).status_code == 200


def test_a_page_reads_no_membership_query_of_its_own(org, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.member)
    client.get(reverse("meetings:visit_times"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("meetings:visit_times")).status_code == 200
    assert not [
        q["sql"] for q in queries.captured_queries if 'FROM "organisation_membership"' in q["sql"].split("(")[0]
    ]


def test_django_permissions_cost_no_query_for_someone_who_holds_none_and_still_count_for_those_who_do(
    org, django_assert_num_queries
):
    from django.contrib.auth.models import Group, Permission

    backend = AuthenticationBackend()
    user = backend.get_user(org.director.pk)
    with django_assert_num_queries(0):
        assert not user.has_perm("organisation.change_workplace")
    permission = Permission.objects.get(codename="change_workplace")
    org.director.user_permissions.add(permission)
    assert backend.get_user(org.director.pk).has_perm("organisation.change_workplace")
    org.director.user_permissions.clear()
    group = Group.objects.create(name="Redaktører")
    group.permissions.add(permission)
    org.nobody.groups.add(group)
    assert backend.get_user(org.nobody.pk).has_perm("organisation.change_workplace")
    assert not backend.get_user(org.director.pk).has_perm("organisation.change_workplace")
    org.director.is_superuser = True
    org.director.save()
    assert backend.get_user(org.director.pk).has_perm("organisation.change_workplace")
