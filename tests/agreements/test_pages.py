"""The yearly wheel and the list read right in Danish."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from agreements.models import CycleDeadline

from .helpers import make_agreement, make_template

pytestmark = pytest.mark.django_db


def test_the_yearly_wheel_marks_every_deadline_with_a_text_list_in_danish(org, client_for):
    template = make_template()
    CycleDeadline.objects.create(template=template, kind="year_end", due_on=dt.date(2028, 10, 1), label="Evaluering")
    make_agreement(org, "in_dialogue", template=template)
    client = client_for(org.chair)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    page = client.get(reverse("agreements:list"), {"period": template.pk}).content.decode()
    markers = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', page)
    assert len(markers) == 3
    # Coordinates are numbers with a decimal point, whatever the language (da writes 160,5).
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for pair in markers for value in pair)
    # 1 October in two years: the two markers do not sit on top of each other.
    assert len(set(markers)) == 3
    assert "1. oktober 2028</time>: Evaluering" in page and "Frist for udkast" in page
    assert "okt" in page and "I dialog" in page


def test_the_list_filters_by_status_committee_and_centre(org, client_for):
    make_agreement(org, "in_dialogue")
    client = client_for(org.director)
    url = reverse("agreements:list")
    assert "Egeskovskolen" in client.get(url, {"status": "in_dialogue"}).content.decode()
    assert "Egeskovskolen</a>" not in client.get(url, {"status": "draft"}).content.decode()
    assert "Egeskovskolen</a>" in client.get(url, {"committee": org.committee.slug}).content.decode()
    assert "Egeskovskolen</a>" not in client.get(url, {"committee": org.other_committee.slug}).content.decode()
    assert "Egeskovskolen</a>" in client.get(url, {"centre": org.centre.slug}).content.decode()


def test_other_apps_find_the_workplaces_current_agreement(org):
    from agreements.selectors import agreement_of_workplace

    agreement = make_agreement(org)
    assert agreement_of_workplace(org.workplace.pk, on=dt.date(2027, 3, 1)) == agreement
    assert agreement_of_workplace(org.workplace.pk, on=dt.date(2030, 3, 1)) is None


def test_the_list_opens_on_the_current_period_and_all_lists_every_period(org, client_for):
    # Today is in 2026 (the session's clock) or later; the 2027–2028 template is "upcoming"
    # until its period starts, so a period that ended years ago is never the default.
    old = make_template(start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31))
    current = make_template()
    current_agreement = make_agreement(org, "in_dialogue", template=current)
    old_agreement = make_agreement(org, "agreed", template=old)
    client = client_for(org.director)
    url = reverse("agreements:list")
    default = client.get(url).content.decode()
    assert current_agreement.get_absolute_url() in default
    assert old_agreement.get_absolute_url() not in default
    assert f'<option value="{current.pk}" selected>' in default
    everything = client.get(url, {"period": ""}).content.decode()
    assert current_agreement.get_absolute_url() in everything and old_agreement.get_absolute_url() in everything


def test_the_list_opens_on_what_concerns_the_viewer(org, client_for):
    """The leader's draft for the coming period and the committee's agreement in dialogue
    are on the first screen; an ended period's agreement is not."""
    old = make_template(start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31))
    coming = make_template(start=dt.date(2099, 1, 1), end=dt.date(2100, 12, 31))
    make_template()  # the current period, with nothing of the viewer's in it
    draft = make_agreement(org, "draft", template=coming)
    ended = make_agreement(org, "agreed", template=old)
    leader = client_for(org.leader).get(reverse("agreements:list"))
    assert leader.context["filters"]["period"] == "mine"
    assert draft.get_absolute_url() in leader.content.decode()
    assert ended.get_absolute_url() not in leader.content.decode()
    draft_in_dialogue = make_agreement_at(org, coming)
    member = client_for(org.member).get(reverse("agreements:list")).content.decode()
    assert draft_in_dialogue.get_absolute_url() in member
    # The leadership, with no workplace of its own, still opens on the current period.
    assert client_for(org.director).get(reverse("agreements:list")).context["filters"]["period"] != "mine"


def make_agreement_at(org, template):
    from tests.factories import WorkplaceFactory

    other = WorkplaceFactory(name="Nabo", committees=[org.committee])
    from agreements import services

    agreement = services.agreement_start(template=template, workplace=other, by=org.admin)
    agreement.status = "in_dialogue"
    agreement.save(update_fields=["status"])
    return agreement


def test_the_yearly_cycle_card_is_the_same_cold_and_warm_and_follows_its_deadlines_and_language(org, client_for):
    from agreements import views

    template = make_template()
    make_agreement(org, "in_dialogue", template=template)
    client = client_for(org.chair)
    url = reverse("agreements:list")

    def cycle(language: str) -> str:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        page = client.get(url, {"period": template.pk}).content.decode()
        start = page.index('<section class="card" aria-labelledby="cycle-heading">')
        return page[start : page.index("</section>", start)]

    views._CYCLES.clear()
    cold = cycle("da")
    assert views._CYCLES and cycle("da") == cold
    assert "oktober" in cold
    english = cycle("en")
    assert english != cold and "October" in english
    views._CYCLES.clear()
    assert cycle("en") == english
    CycleDeadline.objects.create(template=template, kind="year_end", due_on=dt.date(2028, 10, 1), label="Evaluering")
    moved = cycle("da")
    assert "1. oktober 2028</time>: Evaluering" in moved and moved != cold
    views._CYCLES.clear()
    assert cycle("da") == moved


# _list_rows.jinja's loop before the rows moved to selectors.listed_rows_html.
ROWS_LOOP = """{% for agreement in page.object_list %}
          <tr>
            <td><a href="{{ agreement.url }}">{{ agreement.workplace }}</a>{% if agreement.centre is not none %}<div class="small text-body-secondary">{{ agreement.centre }}</div>{% endif %}</td>
            <td>{{ agreement.period_label }}</td>
            <td><span class="badge agreement-status agreement-status-{{ agreement.status }}">{{ agreement.status_label }}</span></td>
            <td class="text-end">{{ agreement.goal_count }}</td>
            <td>{{ agreement.updated_on }}</td>
          </tr>
        {% endfor %}"""


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_list_rows_are_the_template_loops_markup(language):
    from django.template import engines
    from django.utils import translation

    from agreements import selectors

    rows = [
        selectors.ListedAgreement(
            pk=n,
            url=f"/udviklingsaftaler/{n}/?a=1&b='2'",
            workplace=f'Skole <{n}> & "Søen"',
            centre=None if n % 2 else "Center for 'Skoler'",
            period_label="2027–2028",
            status="in_dialogue",
            status_label="I dialog <x>",
            goal_count=n * 1000,
            updated_on="7.12.2026",
        )
        for n in range(5)
    ]
    with translation.override(language):
        old = engines["jinja2"].from_string(ROWS_LOOP).render({"page": {"object_list": rows}})
        assert str(selectors.listed_rows_html(rows)) == old
    assert selectors.listed_rows_html([]) == ""
