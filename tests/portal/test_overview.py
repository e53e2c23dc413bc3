"""The leadership's start page: an overview, not "nothing needs you" (issue 16, point 1)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from tests.agreements.helpers import make_agreement, make_template
from tests.cases.helpers import make_case
from tests.factories import WorkplaceFactory
from tests.questions.helpers import answered, ask


def test_the_directors_start_page_shows_the_overview_with_links(org, client_for):
    make_agreement(org, Agreement.Status.IN_DIALOGUE)
    answered(org)
    ask(org)
    make_case(org)
    page = client_for(org.director).get(reverse("portal:home")).content.decode()
    assert 'id="overview-heading"' in page
    for name in ("coverage:dashboard", "cases:figures", "questions:list"):
        assert f'href="{reverse(name)}"' in page, name
    assert f'href="{reverse("agreements:list")}?status=in_dialogue&amp;period="' in page
    assert 'id="trend-title"' in page  # the trend as a chart (and its table)


def test_heads_of_area_see_their_centre_and_politicians_no_overview(org, client_for):
    assert 'id="overview-heading"' in client_for(org.centre_head).get(reverse("portal:home")).content.decode()
    for person in (org.member, org.leader, org.employee):
        assert 'id="overview-heading"' not in client_for(person).get(reverse("portal:home")).content.decode()


def test_the_overview_runs_the_same_queries_for_little_and_much_data(org, client_for):
    client = client_for(org.director)
    client.get(reverse("portal:home"))  # the first request after login writes the session
    counts = []
    for extra in (1, 12):
        for _n in range(extra):
            workplace = WorkplaceFactory(committees=[org.committee], centre=org.centre)
            template = make_template()
            from agreements import services

            services.agreement_start(template=template, workplace=workplace, by=org.leader)
            ask(org, workplace_ids=[workplace.pk])
        make_case(org)
        cache.clear()  # the coverage figures computed afresh both times
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
