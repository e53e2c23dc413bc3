"""Signing: explicit consent, the exact text's hash, roles at that moment; never edited."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, InternalError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone

from codex import services
from codex.banner import next_steps
from codex.models import ImmutableError, Signature
from organisation.models import ElectoralTerm, Membership
from organisation.roles import roles_of
from tests.factories import UserFactory, grant

from .helpers import publish_version, sign

pytestmark = pytest.mark.django_db


def test_a_committee_member_signs_the_current_version_with_consent(org, client_for):
    version = publish_version(org.admin)
    client = client_for(org.member)
    page = client.get(reverse("codex:home")).content.decode()
    assert version.text_sha256 in page and 'name="consent"' in page
    response = client.post(
        reverse("codex:sign", args=[version.pk]), {"consent": "on", "text_sha256": version.text_sha256}
    )
    assert response["Location"] == reverse("codex:my_signatures")
    signature = Signature.objects.get(person=org.member)
    assert signature.version == version
    assert signature.text_sha256 == version.text_sha256
    assert signature.identity.roles == [
        {
            "role": "committee_member",
            "committee": org.committee.pk,
            "workplace": None,
            "centre": None,
            "unit": org.committee.name,
        }
    ]
    assert signature.identity.person_name == org.member.full_name
    history = client.get(reverse("codex:my_signatures")).content.decode()
    assert version.text_sha256 in history


def test_signing_without_ticking_the_box_is_refused_with_a_message_at_the_box(org, client_for):
    version = publish_version(org.admin)
    response = client_for(org.member).post(
        reverse("codex:sign", args=[version.pk]), {"text_sha256": version.text_sha256}
    )
    assert response.status_code == 400
    assert f'id="consent-error-{version.pk}"' in response.content.decode()
    assert not Signature.objects.exists()


def test_signing_a_text_that_changed_since_it_was_read_is_refused(org, client_for):
    version = publish_version(org.admin)
    client_for(org.member).post(reverse("codex:sign", args=[version.pk]), {"consent": "on", "text_sha256": "0" * 64})
    assert not Signature.objects.exists()


def test_an_old_version_can_no_longer_be_signed(org):
    old = publish_version(org.admin)
    publish_version(org.admin)
    with pytest.raises(services.CodexError):
        sign(org.member, old)


def test_signing_twice_records_one_signature(org):
    version = publish_version(org.admin)
    assert sign(org.member, version) == sign(org.member, version)
    assert Signature.objects.count() == 1


def test_signatures_are_never_edited_or_deleted_through_the_orm(org):
    signature = sign(org.member, publish_version(org.admin))
    signature.signer_digest = "0" * 64
    with pytest.raises(ImmutableError):
        signature.save()
    with pytest.raises(ImmutableError):
        signature.delete()
    with pytest.raises(ImmutableError):
        Signature.objects.filter(pk=signature.pk).update(signer_digest="0" * 64)
    with pytest.raises(ImmutableError):
        Signature.objects.all().delete()
    with pytest.raises(ImmutableError):
        Signature.objects.bulk_update([signature], ["signer_digest"])


def test_on_postgresql_even_raw_sql_cannot_change_a_signature(org, postgres):
    signature = sign(org.member, publish_version(org.admin))
    for statement in (
        "UPDATE codex_signature SET signer_digest = 'x' WHERE id = %s",
        "DELETE FROM codex_signature WHERE id = %s",
    ):
        with pytest.raises((InternalError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [signature.pk])
    assert Signature.objects.get(pk=signature.pk).signer_digest == signature.signer_digest


def test_a_person_who_leaves_keeps_their_signatures(org, client_for):
    version = publish_version(org.admin)
    sign(org.member, version)
    Membership.objects.filter(person=org.member).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    org.member.is_active = False
    org.member.save()
    assert Signature.objects.filter(person=org.member).count() == 1
    with pytest.raises(Exception):  # noqa: B017 - PROTECT: the person cannot be deleted either
        org.member.delete()


def test_a_new_electoral_term_asks_politicians_to_sign_again(org):
    today = timezone.localdate()
    ElectoralTerm.objects.create(
        name="old", starts_on=today - dt.timedelta(days=900), ends_on=today - dt.timedelta(days=10)
    )
    version = publish_version(org.admin)
    sign(org.member, version, now=timezone.now() - dt.timedelta(days=20))
    sign(org.leader, version, now=timezone.now() - dt.timedelta(days=20))
    ElectoralTerm.objects.create(
        name="new", starts_on=today - dt.timedelta(days=9), ends_on=today + dt.timedelta(days=1400)
    )
    # The politician's signature was given in the old term; the leader's still counts.
    [member_due] = [d for d in services.signing_status(org.member, services.code_state())]
    assert not member_due.signed and member_due.signed_before_term
    [leader_due] = services.signing_status(org.leader, services.code_state())
    assert leader_due.signed
    again = sign(org.member, version)
    assert again.term_id == ElectoralTerm.objects.get(name="new").pk
    assert services.signing_status(org.member, services.code_state())[0].signed


def test_the_sign_again_prompt_costs_a_fixed_number_of_queries(org, django_assert_num_queries):
    publish_version(org.admin)
    roles = roles_of(org.member)
    # One: the current codes with the term's start and this person's latest signature of each.
    with django_assert_num_queries(1):
        steps = next_steps(org.member, roles)
    assert len(steps) == 1
    for _ in range(30):
        sign(
            grant(UserFactory(), "committee_member", committee=org.committee).person,
            services.code_state().versions["politicians"],
        )
    with django_assert_num_queries(1):
        assert len(next_steps(org.member, roles)) == 1


def test_the_one_query_signing_status_answers_as_the_register_does(org):
    from codex.selectors import signing_status_at_once

    def same(person):
        expected = services.signing_status(person, services.code_state())
        assert signing_status_at_once(person) == expected
        return expected

    today = timezone.localdate()
    assert same(org.member) == []  # nothing published yet
    ElectoralTerm.objects.create(
        name="old", starts_on=today - dt.timedelta(days=900), ends_on=today - dt.timedelta(days=10)
    )
    version = publish_version(org.admin)
    for person in (org.member, org.leader, org.director, org.employee):
        assert not same(person)[0].signed
    sign(org.member, version, now=timezone.now() - dt.timedelta(days=20))
    sign(org.leader, version, now=timezone.now() - dt.timedelta(days=20))
    assert same(org.member)[0].signed and same(org.leader)[0].signed
    ElectoralTerm.objects.create(
        name="new", starts_on=today - dt.timedelta(days=9), ends_on=today + dt.timedelta(days=1400)
    )
    assert same(org.member)[0].signed_before_term and same(org.leader)[0].signed
    sign(org.member, version)
    assert same(org.member)[0].signed


def test_two_people_signing_at_once_do_not_fork_the_chain(transactional_db, postgres):
    from tests.factories import build_org

    org = build_org()
    version = publish_version(org.admin)
    people = [grant(UserFactory(), "employee", workplace=org.workplace).person for _ in range(12)]
    barrier = threading.Barrier(len(people))
    errors = []

    def sign_now(person):
        try:
            barrier.wait()
            sign(person, version)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=sign_now, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert list(Signature.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, 13))
    assert services.chain_verify().intact
