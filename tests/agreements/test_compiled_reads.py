"""The agreement pages' reads compiled once (samspil/compiled.py) answer as the querysets
they were compiled from, for every role: the agreement behind the editor and the detail
page (get_agreement_for_user)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from agreements.models import Agreement
from agreements.permissions import _agreement_queryset, get_agreement_for_user
from agreements.services import agreement_start
from samspil.access import get_object_for_user

from .helpers import make_agreement, make_template

pytestmark = pytest.mark.django_db


def _outcome(call):
    try:
        return call()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"


def _fields(agreement) -> tuple:
    if isinstance(agreement, str):
        return (agreement,)
    workplace = agreement.workplace
    return (
        {field.attname: getattr(agreement, field.attname) for field in Agreement._meta.concrete_fields},
        (workplace.pk, workplace.name, workplace.centre.name if workplace.centre else None, workplace.kind.pk),
        (agreement.template.pk, agreement.template.period_start),
    )


@pytest.mark.parametrize("write", [False, True])
@pytest.mark.parametrize("committees", [False, True])
def test_the_agreement_is_what_its_queryset_reads_for_every_role(org, write, committees):
    agreements = [make_agreement(org, "draft"), make_agreement(org, "in_dialogue")]
    other = agreement_start(template=make_template(), workplace=org.other_workplace, by=org.admin)
    for name, user in org.roles.items():
        if user is None:
            continue
        for agreement in [*agreements, other]:
            expected = _outcome(
                lambda user=user, agreement=agreement: get_object_for_user(
                    user,
                    _agreement_queryset(committees=committees),
                    view_perm="agreements.view_agreement",
                    change_perm="agreements.change_agreement",
                    write=write,
                    pk=agreement.pk,
                )
            )
            found = _outcome(
                lambda user=user, agreement=agreement: get_agreement_for_user(
                    user, agreement.pk, write=write, committees=committees
                )
            )
            assert _fields(found) == _fields(expected), (name, agreement.status, write, committees)
            if committees and not isinstance(found, str):
                assert list(found.workplace.committees.all()) == list(expected.workplace.committees.all())


def test_an_agreement_that_is_not_there_is_404(org):
    for pk in (987654, 2**31, 10**20, -(2**31) - 1):
        with pytest.raises(Http404):
            get_agreement_for_user(org.director, pk)


def test_the_compiled_agreement_read_reads_each_agreement(org, django_assert_num_queries):
    first, second = make_agreement(org, "draft"), make_agreement(org, "draft")
    assert get_agreement_for_user(org.leader, first.pk, committees=False).pk == first.pk
    with django_assert_num_queries(1):
        assert get_agreement_for_user(org.leader, second.pk, committees=False).pk == second.pk
