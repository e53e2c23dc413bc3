"""The cases per status (cases/case_tally.py) follow every way a case comes, changes status
or goes, and the leadership's case list counts its pages from them."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.urls import reverse

from cases.models import Case, CaseTally

from .helpers import committee_meeting, make_case

pytestmark = pytest.mark.django_db


def _tally() -> dict[str, int]:
    return {row.status: row.cases for row in CaseTally.objects.all() if row.cases}


def _counted() -> dict[str, int]:
    return dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by())


def test_the_tally_follows_the_cases_through_services_updates_bulk_and_deletes(org):
    assert _tally() == {}
    make_case(org)
    make_case(org, status=Case.Status.DRAFT)
    ready = make_case(org, status=Case.Status.READY)
    assert _tally() == _counted() == {"in_hearing": 1, "draft": 1, "ready": 1}
    meeting = committee_meeting(org, days=20)
    Case.objects.bulk_create(
        Case(committee=org.committee, meeting=meeting, title=f"Sag {n}", summary="", contact_name="K") for n in range(5)
    )
    assert _tally() == _counted()
    Case.objects.filter(status=Case.Status.DRAFT).update(status=Case.Status.IN_HEARING)
    Case.objects.filter(pk=ready.pk).update(title="Ny titel")  # no status change
    assert _tally() == _counted() == {"in_hearing": 7, "ready": 1}
    ready.delete()
    Case.objects.filter(title="Sag 0").delete()
    assert _tally() == _counted() == {"in_hearing": 6}


def test_the_leaderships_case_list_counts_from_the_tally(org, client_for):
    for status in (Case.Status.IN_HEARING, Case.Status.IN_HEARING, Case.Status.DRAFT):
        make_case(org, status=status)
    url = reverse("cases:list")
    for reader in (org.director, org.admin):
        client = client_for(reader)
        assert client.get(url).context["page"].paginator.count == 3
        assert client.get(url, {"status": Case.Status.IN_HEARING}).context["page"].paginator.count == 2
        assert client.get(url, {"status": Case.Status.READY}).context["page"].paginator.count == 0
    # The tally is what was counted: a row changed behind the triggers' back shows.
    CaseTally.objects.filter(status=Case.Status.DRAFT).update(cases=5)
    assert client_for(org.director).get(url).context["page"].paginator.count == 7
    # A member's list (not every case) still counts its cases.
    assert client_for(org.member).get(url).context["page"].paginator.count == 2
