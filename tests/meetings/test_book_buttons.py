"""Someone who may not book never sees a Book button (issue 16, point 3): every place that
shows one — the free times list, the week view, the workplace's page, the rotation plan —
is read as every role, and every Book link or form on it must open for that person."""

from __future__ import annotations

import re

import pytest

from tests.access import ROLES
from tests.meetings import helpers

BOOK = re.compile(r'(?:href|action)="(/moeder/besoeg/(?:\d+/book/|uge/\?[^"]*workplace=[^"]*|\?[^"]*workplace=[^"]*))"')


@pytest.mark.parametrize("role", ROLES)
def test_every_book_button_a_person_sees_opens_for_them(org, client_for, role):
    slot = helpers.slot(org)
    helpers.slot(org, workplace=org.other_workplace)
    client = client_for(getattr(org, role))
    places = [
        "/moeder/besoeg/",
        "/moeder/besoeg/uge/?uge=" + helpers.at(10).date().isoformat(),
        f"/virksomheder/{org.workplace.slug}/",
        f"/daekning/planlaeg/{org.committee.slug}/",
    ]
    seen = set()
    for place in places:
        response = client.get(place, follow=True)
        if response.status_code != 200:
            continue
        seen |= set(BOOK.findall(response.content.decode().replace("&amp;", "&")))
    refused = {link: client.get(link).status_code for link in seen}
    refused = {link: status for link, status in refused.items() if status != 200}
    assert refused == {}
    may_book = role in ("member", "chair")
    assert (f"/moeder/besoeg/{slot.pk}/book/" in seen) == may_book
