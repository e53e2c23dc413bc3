"""The agreement pages' reads compiled once (samspil/compiled.py) answer as the querysets
they were compiled from, for every role: the agreement behind the editor and the detail
page (get_agreement_for_user), and the list's page (agreements_listed_page), whose
compiled query is reused for another reader of the same shape with that reader's ids."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from agreements import selectors
from agreements.models import Agreement
from agreements.permissions import _agreement_queryset, get_agreement_for_user
from agreements.services import agreement_start
from samspil.access import get_object_for_user
from samspil.compiled import CompiledQueries
from tests.factories import WorkplaceFactory

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


FILTERS = [
    {"period": ""},
    {"period": selectors.CONCERNING_ME},
    {"period": "template"},
    {"period": "template", "status": "draft"},
    {"period": "", "status": "in_dialogue"},
    {"period": "", "status": "no-such-status"},
    {"period": "", "centre": "centre"},
    {"period": selectors.CONCERNING_ME, "committee": "committee"},
    {"period": "", "committee": "no-such-committee"},
    {"period": "987654"},
]


def test_the_list_page_is_what_its_queryset_reads_for_every_role(org):
    template = make_template()
    for status in ("draft", "in_dialogue", "active"):
        make_agreement(org, status, template=template if status == "draft" else None)
    for _ in range(4):
        workplace = WorkplaceFactory(centre=org.centre, committees=[org.committee])
        agreement_start(template=template, workplace=workplace, by=org.admin)
    agreement_start(template=template, workplace=org.other_workplace, by=org.admin)
    values = {"template": str(template.pk), "centre": org.centre.slug, "committee": org.committee.slug}
    for name, user in org.roles.items():
        if user is None:
            continue
        for filters in FILTERS:
            filters = {key: values.get(value, value) for key, value in filters.items()}
            for number in ("1", "2", "3", "4", "0", "-1", "x", "99"):
                expected = selectors.listed_page(selectors.agreements_listed(user, **filters), 2, number)
                page = selectors.agreements_listed_page(user, 2, number, **filters)
                where = (name, filters, number)
                assert list(page.object_list) == list(expected.object_list), where
                assert (page.number, page.paginator.count, page.paginator.num_pages) == (
                    expected.number,
                    expected.paginator.count,
                    expected.paginator.num_pages,
                ), where
                assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous()), where


def test_a_compiled_list_page_reads_each_readers_own_workplace(org):
    # leader and other_leader lead one workplace each: the same shape, one compiled query.
    template = make_template()
    mine = agreement_start(template=template, workplace=org.workplace, by=org.admin)
    theirs = agreement_start(template=template, workplace=org.other_workplace, by=org.admin)
    for user, agreement in ((org.leader, mine), (org.other_leader, theirs), (org.leader, mine)):
        page = selectors.agreements_listed_page(user, 50, 1, period=str(template.pk))
        assert [row[0] for row in page.object_list] == [agreement.pk]


def test_the_list_page_reuses_its_compiled_query(org, client_for, django_assert_num_queries):
    make_agreement(org, "draft")
    selectors.agreements_listed_page(org.director, 50, 1, period="")
    with django_assert_num_queries(1):
        page = selectors.agreements_listed_page(org.director, 50, 1, period="")
    assert page.paginator.count == 1


def test_the_compiled_list_pages_are_bounded(org, monkeypatch):
    make_agreement(org, "draft")
    monkeypatch.setattr(selectors, "_LISTED_PAGES", CompiledQueries(limit=3))
    for number in range(1, 8):
        selectors.agreements_listed_page(org.director, 1, number, period="")
        assert 1 <= len(selectors._LISTED_PAGES) <= 3
    assert selectors.agreements_listed_page(org.director, 1, 1, period="").paginator.count == 1
