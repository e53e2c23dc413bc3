"""The hearing gate: a case cannot become "ready for the committee" while a hearing is
open; only an administrator's override with a reason lets it on, and the override shows
on the case, in the agenda system's JSON and in the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case
from cases.services import hearing_no_comments

from .helpers import hearing_of, make_case

pytestmark = pytest.mark.django_db
# The dashboard's "dates chosen" period, around the coming meeting.
FIGURE_PERIOD = {
    "period": "custom",
    "date_from": (dt.date.today() - dt.timedelta(days=100)).isoformat(),
    "date_to": (dt.date.today() + dt.timedelta(days=100)).isoformat(),
}


def test_the_case_cannot_become_ready_with_an_open_hearing(org, client_for):
    case = make_case(org)
    for person in (org.chair, org.admin):
        # The gate is the transition's condition: refused with the reason, nothing moves.
        response = client_for(person).post(reverse("cases:action", args=[case.pk, "mark_ready"]))
        assert response.status_code == 400
        assert "En høring er stadig åben" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_HEARING
    page = client_for(org.admin).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:action", args=[case.pk, "mark_ready"]) not in page
    assert "Sagen går til udvalget, når alle arbejdspladser har svaret" in page


def test_it_becomes_ready_once_every_hearing_is_closed(org, client_for):
    case = make_case(org)
    hearing_no_comments(hearing=hearing_of(case), by=org.leader)
    page = client_for(org.chair).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:action", args=[case.pk, "mark_ready"]) in page
    response = client_for(org.chair).post(reverse("cases:action", args=[case.pk, "mark_ready"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.READY


def test_an_override_needs_a_reason_and_is_shown(org, client_for):
    case = make_case(org)
    admin = client_for(org.admin)
    url = reverse("cases:override", args=[case.pk])
    response = admin.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Feltet skal udfyldes." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_HEARING and case.override_at is None

    reason = "Budgetfristen 1. marts kan ikke flyttes."
    assert admin.post(url, {"reason": reason}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.READY and case.override_reason == reason and case.override_by == org.admin
    for reader in (org.chair, org.member, org.leader):
        page = client_for(reader).get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert reason in page
        assert "tilsidesat" in page  # the hearing's state at a glance: overridden
    figures = client_for(org.admin).get(reverse("cases:figures"), FIGURE_PERIOD)
    assert figures.status_code == 200
    rows = {row.name: row for row in figures.context["figures"]["workplaces"]}
    assert rows[org.workplace.name].overrides == 1


def test_only_an_administrator_may_override(org, client_for):
    case = make_case(org)
    url = reverse("cases:override", args=[case.pk])
    for person in (org.chair,):
        assert client_for(person).post(url, {"reason": "Hastesag"}).status_code == 403
    assert client_for(org.member).post(url, {"reason": "Hastesag"}).status_code == 403
    assert client_for(org.other_leader).post(url, {"reason": "Hastesag"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.IN_HEARING
