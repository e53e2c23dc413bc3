"""The case list and the hearing page run a fixed number of queries whatever the number
of cases, hearings, invited employees, contributions and staff (two data sizes each)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case
from organisation.models import Role
from tests.factories import UserFactory, grant

from .helpers import committee_meeting, hearing_of, make_case

pytestmark = pytest.mark.django_db


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _more_cases(org, n: int) -> None:
    """n cases in hearing about the org's workplace, in bulk (more than a page of 50)."""
    meeting = committee_meeting(org, days=20)
    cases = Case.objects.bulk_create(
        Case(
            committee=org.committee,
            meeting=meeting,
            title=f"Sag {index}",
            summary="Et resumé.",
            contact_name="Karen Forvaltning",
            esdh_number=f"27.00.00-A00-{index}-26" if index % 2 else "",
            status=Case.Status.IN_HEARING,
        )
        for index in range(n)
    )
    Case.workplaces.through.objects.bulk_create(
        Case.workplaces.through(case_id=case.pk, workplace_id=org.workplace.pk) for case in cases
    )


@pytest.mark.parametrize(
    ("reader", "budget"),
    [
        # user with their roles, the page's 50 rows (values, with both hearing counts) and
        # how many cases there are (cases/selectors.case_list_page)
        ("director", 2),
        ("member", 2),
        # … and the hearings the leader's workplace is to answer
        ("leader", 3),
    ],
)
def test_the_case_list_is_fixed_whatever_the_number_of_cases(org, client_for, reader, budget):
    make_case(org)
    client = client_for(getattr(org, reader))
    url = reverse("cases:list")
    client.get(url)  # the session's first request
    assert _count(client, url) == budget
    make_case(org)
    make_case(org, status=Case.Status.READY)
    _more_cases(org, 60)
    assert _count(client, url) == budget
    assert _count(client, url, {"page": 2}) == budget
    assert _count(client, url, {"status": Case.Status.IN_HEARING}) == budget


def test_the_case_list_rows_show_each_case(org, client_for):
    case = make_case(org)
    _more_cases(org, 3)
    page = client_for(org.director).get(reverse("cases:list")).content.decode()
    # MarkupSafe writes the title's apostrophe as &#39; (Django: &#x27;), the same character.
    assert f'<a href="{reverse("cases:detail", args=[case.pk])}">Sammenlægning af SFO&#39;er</a>' in page
    assert f"({case.esdh_number})" in page
    assert '<span class="badge case-status case-status-in_hearing">i høring</span>' in page
    assert "<td>1 / 1</td>" in page and "<td>0 / 0</td>" in page


def test_the_case_list_pages_as_a_paginator_does(org, client_for):
    """The count read with the page's rows (cases/selectors.case_list_page): the pages,
    a page past the end (the last), a page that is no number (the first), no case at all."""
    client = client_for(org.director)
    url = reverse("cases:list")
    assert client.get(url).context["page"].paginator.count == 0
    _more_cases(org, 63)
    for asked, number, rows in (("", 1, 50), ("2", 2, 13), ("9", 2, 13), ("0", 2, 13), ("x", 1, 50), ("2.5", 1, 50)):
        page = client.get(url, {"page": asked} if asked else {}).context["page"]
        assert (page.number, len(page.object_list), page.paginator.count, page.paginator.num_pages) == (
            number,
            rows,
            63,
            2,
        ), asked
    page = client.get(url, {"status": Case.Status.DRAFT}).context["page"]
    assert page.paginator.count == 0 and not page.object_list


def test_the_case_lists_pages_link_each_other_keeping_the_filter(org, client_for):
    """The list's body is Jinja2 (cases/_list_body.jinja): its page links keep the status
    filter, as {% query_with %} wrote them, and say which page of how many."""
    _more_cases(org, 63)
    client = client_for(org.director)
    html = client.get(reverse("cases:list"), {"status": Case.Status.IN_HEARING}).content.decode()
    assert '<a class="page-link" href="?status=in_hearing&amp;page=2">Næste</a>' in html
    assert '<span class="page-link">Side 1 af 2</span>' in html and "Forrige" not in html
    html = client.get(reverse("cases:list"), {"status": Case.Status.IN_HEARING, "page": 2}).content.decode()
    assert '<a class="page-link" href="?status=in_hearing&amp;page=1">Forrige</a>' in html and "Næste" not in html
    assert "Ingen udvalgssager at vise." not in html
    empty = client.get(reverse("cases:list"), {"status": Case.Status.DRAFT}).content.decode()
    assert "page-link" not in empty and 'class="empty-state"' in empty


def _grow_hearing(org, hearing, *, staff: int) -> None:
    for index in range(staff):
        person = UserFactory()
        grant(person, Role.EMPLOYEE, workplace=org.workplace)
        if index % 2:
            services.hearing_invite(hearing=hearing, people=[person], by=org.leader)
            services.contribution_add(hearing=hearing, author=person, text=f"Input {index}")


@pytest.mark.parametrize(
    ("reader", "budget", "budget_pg"),
    [
        # user with their roles, the hearing (case, committee, meeting, workplace, presenter),
        # its invitees, its contributions, the workplace's people (both forms' choices);
        # on PostgreSQL the three lists are in the hearing's row (hearing_page_rows)
        ("leader", 5, 2),
        # … and the invited employee's rule reads the invitation once (on PostgreSQL from
        # the invitees in the hearing's row)
        ("employee", 6, 2),
    ],
)
def test_the_hearing_page_is_fixed_whatever_the_number_of_people(org, client_for, reader, budget, budget_pg):
    if connection.vendor == "postgresql":
        budget = budget_pg
    hearing = hearing_of(make_case(org))
    if reader == "employee":
        services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader)
    client = client_for(getattr(org, reader))
    url = reverse("cases:hearing", args=[hearing.pk])
    client.get(url)
    small = _count(client, url)
    _grow_hearing(org, hearing, staff=12)
    assert small == _count(client, url) == budget


def test_the_lists_read_in_the_hearings_row_are_what_their_queries_read(org, client_for):
    from cases import selectors
    from cases.forms import workplace_people
    from cases.models import Hearing

    hearing = hearing_of(make_case(org))
    _grow_hearing(org, hearing, staff=6)
    services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader)
    page = client_for(org.leader).get(reverse("cases:hearing", args=[hearing.pk])).content.decode()
    assert "Input 1" in page and "Input 5" in page
    if connection.vendor != "postgresql":  # ArraySubquery is PostgreSQL's
        return
    plain = Hearing.objects.get(pk=hearing.pk)
    rows = selectors.hearing_page_rows(Hearing.objects.all()).get(pk=hearing.pk)

    def invitees(h):
        return sorted((i.pk, i.person_id, str(i.person), i.person.full_name) for i in selectors.hearing_invitees(h))

    def contributions(h):
        return [
            (c.pk, c.author_id, c.text, c.created_at, str(c.author), c.author.full_name)
            for c in selectors.hearing_contributions(h)
        ]

    assert len(invitees(plain)) == 4 and len(contributions(plain)) == 3
    assert invitees(rows) == invitees(plain) and contributions(rows) == contributions(plain)
    assert workplace_people(hearing.workplace_id, rows.people_rows) == workplace_people(hearing.workplace_id)


def test_the_hearing_page_offers_the_workplaces_people(org, client_for):
    hearing = hearing_of(make_case(org))
    services.hearing_invite(hearing=hearing, people=[org.employee], by=org.leader)
    page = client_for(org.leader).get(reverse("cases:hearing", args=[hearing.pk])).content.decode()
    invite = page[page.index('action="' + reverse("cases:invite", args=[hearing.pk])) :]
    invite = invite[: invite.index("</form>")]
    # Invitable: the staff not yet invited, not the leader; the presenter: anyone there.
    assert f'value="{org.union_rep.pk}"' in invite and f'value="{org.med_contact.pk}"' in invite
    assert f'value="{org.employee.pk}"' not in invite and f'value="{org.leader.pk}"' not in invite
    speak = page[page.index('action="' + reverse("cases:speak", args=[hearing.pk])) :]
    for person in (org.leader, org.employee, org.union_rep, org.med_contact):
        assert f'<option value="{person.pk}"' in speak
    assert f'value="{org.other_leader.pk}"' not in speak


@pytest.mark.parametrize(
    "initial",
    [
        {"presenter": None, "presenter_name": "", "presenter_title": ""},
        {"presenter": "leader", "presenter_name": 'Lis "Lærer" <b>', "presenter_title": "Skoleleder & lærer"},
        {"presenter": 10**9, "presenter_name": "Udefra", "presenter_title": ""},  # no longer there
    ],
)
def test_the_unbound_forms_jinja_writes_what_crispy_writes(org, initial):
    from django.template import engines

    from cases.forms import InviteForm, SpeakForm, workplace_people

    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
    jinja = engines["jinja2"]
    people = workplace_people(org.workplace.pk)
    if initial["presenter"] == "leader":
        initial = {**initial, "presenter": org.leader.pk}
    for exclude in ([], [org.employee.pk]):
        form = InviteForm(workplace_id=org.workplace.pk, exclude=exclude, people=people)
        assert jinja.get_template("cases/_invite_fields.jinja").render({"form": form}) == crispy.render({"form": form})
    form = SpeakForm(workplace_id=org.workplace.pk, people=people, initial=initial)
    assert jinja.get_template("cases/_speak_fields.jinja").render({"form": form}) == crispy.render({"form": form})


# The agenda view's loop as the Django template wrote it before cases/_agenda_cases.jinja.
_AGENDA_LOOP_DJANGO = """{% load i18n %}  {% for case in cases %}
  <li class="card mb-2"><div class="card-body">
    <div class="d-flex flex-wrap justify-content-between gap-2">
      <h2 class="h6 mb-1">{% if case.agenda_item %}{{ case.agenda_item.order }}. {% endif %}<a href="{% url 'cases:detail' case.pk %}">{{ case.title }}</a></h2>
      {% include "cases/_status.html" %}
    </div>
    {% if case.agenda_item.presenter_text %}<p class="small mb-1">{% translate "Presenter" %}: {{ case.agenda_item.presenter_text }}{% if case.agenda_item.duration_minutes %} · {% blocktranslate with n=case.agenda_item.duration_minutes %}{{ n }} min.{% endblocktranslate %}{% endif %}</p>{% endif %}
    <p class="mb-0 small">{% for state, n in case.state_counts %}{% include "cases/_state.html" %} × {{ n }}{% if not forloop.last %} · {% endif %}{% empty %}{% translate "No workplace is heard on this case." %}{% endfor %}</p>
  </div></li>
  {% endfor %}"""


def test_the_agenda_views_jinja_writes_what_its_django_template_wrote():
    from django.template import engines
    from django.utils import translation

    from cases.selectors import AgendaCase, AgendaItem

    cases = [
        AgendaCase(
            7, "Skole & SFO", "in_hearing", AgendaItem(3, "Karen Forvaltning", 20), [("overdue", 2), ("answered", 1)]
        ),
        AgendaCase(8, "Tom's sag", "decided", AgendaItem(4, "", None), []),
        AgendaCase(9, "Uden punkt", "draft", None, [("open", 1), ("overridden", 1), ("no_comments", 3)]),
        AgendaCase(10, "Kun oplægsholder", "ready", AgendaItem(5, "Lis <b>", None), [("open", 1)]),
    ]
    django = engines["django"].from_string(_AGENDA_LOOP_DJANGO)
    jinja = engines["jinja2"].get_template("cases/_agenda_cases.jinja")
    for language in ("da", "en"):
        with translation.override(language):
            ours, theirs = jinja.render({"cases": cases}), django.render({"cases": cases})
        # MarkupSafe writes an apostrophe as &#39;, Django as &#x27;: the same character.
        assert ours == theirs.replace("&#x27;", "&#39;"), language
