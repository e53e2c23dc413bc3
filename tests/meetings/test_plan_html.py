"""The committee plan's month sections and the meeting lists' rows written in Python
(meetings/plan_html.py) are the markup their Jinja2 loops wrote, for every kind of row:
cancelled, with and without a host, with cases heard, unheard and counted several times,
a reply asked for or not, a booking cancelled or moved, in both languages, with and
without the agenda link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation

from cases.selectors import STATE_ORDER, PlanCase
from meetings.plan_html import meeting_rows, plan_sections
from meetings.views import _plan_rows, label_rows

pytestmark = pytest.mark.django_db(databases=[])

# The loop as meetings/_committee_plan.jinja had it before plan_html wrote it.
OLD_LOOP = """{%- from "cases/_state.jinja" import hearing_state -%}
{%- for month, rows in meetings|groupby("month") %}
<section aria-labelledby="month-{{ month }}">
  <h2 class="h5 mt-3" id="month-{{ month }}">{{ rows[0]["month_name"] }}</h2>
@@2
<ul class="list-unstyled meeting-list mb-3">
  {% for meeting in rows %}
  <li class="meeting-row{% if meeting["cancelled_at"] %} is-cancelled{% endif %}">
    <div class="meeting-when">
      <span class="meeting-day">{{ meeting["day"] }}</span>
      <span class="meeting-year">{{ meeting["year"] }}</span>
    </div>
    <div class="meeting-what">
      <a class="fw-semibold" href="{{ row_url("meetings:meeting", meeting["pk"]) }}">{{ meeting["title"] }}</a>
      <div class="small text-body-secondary">
        {{ meeting["kind_label"] }} · {{ meeting["times"] }}{% if meeting["host__name"] %} · {{ meeting["host__name"] }}{% endif %} · {{ committee.name }}
      </div>
      {% if meeting["plan_cases"] %}
<div class="plan-cases small mt-1">
  <span class="fw-semibold">{{ meeting["cases_label"] }}</span>
  <ul class="list-unstyled mb-0">
    {% for case in meeting["plan_cases"] %}
    <li class="plan-case"><a href="{{ row_url("cases:detail", case.pk) }}">{{ case.title }}</a>
      {% for state, n in case.state_counts %}{{ hearing_state(state) }}{% if n > 1 %} × {{ n }}{% endif %} {% else %}<span class="text-body-secondary">{{ _("No workplace is heard on this case.") }}</span>{% endfor %}</li>
    {% endfor %}
  </ul>
  {% if sees_agenda %}<a href="{{ row_url("cases:agenda", meeting["pk"]) }}">{{ _("Cases and hearings") }}<span class="visually-hidden"> – {{ meeting["title"] }}</span></a>{% endif %}
</div>
{% endif %}
    </div>
    <div class="meeting-state">
      <span class="badge status-{{ meeting["status"] }}">{{ meeting["status_label"] }}</span>
@@6
      {% if meeting["my_response"] == "none" and meeting["status"] != "cancelled" and not meeting["is_past"] %}<span class="badge text-bg-warning">{{ _("Answer") }}</span>{% endif %}
      <span class="small text-body-secondary d-block">{{ meeting["participants"] }}</span>
    </div>
  </li>
  {% endfor %}
</ul>

</section>
{% endfor %}""".replace("@@2", "  ").replace("@@6", "      ")  # lines of blanks, as the template had


# meetings/_meeting_list.jinja's loop before meeting_rows wrote it.
OLD_LIST = """<ul class="list-unstyled meeting-list mb-3">
  {% for meeting in meetings %}
  <li class="meeting-row{% if meeting["cancelled_at"] %} is-cancelled{% endif %}">
    <div class="meeting-when">
      <span class="meeting-day">{{ meeting["day"] }}</span>
      <span class="meeting-year">{{ meeting["year"] }}</span>
    </div>
    <div class="meeting-what">
      <a class="fw-semibold" href="{{ row_url("meetings:meeting", meeting["pk"]) }}">{{ meeting["title"] }}</a>
      <div class="small text-body-secondary">
        {{ meeting["kind_label"] }} · {{ meeting["times"] }}{% if meeting["host__name"] %} · {{ meeting["host__name"] }}{% endif %}{% if meeting["committee__name"] %} · {{ meeting["committee__name"] }}{% endif %}
      </div>
@@6
    </div>
    <div class="meeting-state">
      <span class="badge status-{{ meeting["status"] }}">{{ meeting["status_label"] }}</span>
      {% if meeting["my_booking_status"] == "cancelled" %}<span class="badge text-bg-light">{{ _("You cancelled") }}</span>{% elif meeting["my_booking_status"] == "moved" %}<span class="badge text-bg-light">{{ _("You moved it") }}</span>{% endif %}
      {% if meeting["my_response"] == "none" and meeting["status"] != "cancelled" and not meeting["is_past"] %}<span class="badge text-bg-warning">{{ _("Answer") }}</span>{% endif %}
      <span class="small text-body-secondary d-block">{{ meeting["participants"] }}</span>
    </div>
  </li>
  {% endfor %}
</ul>""".replace("@@6", "      ")

NEW_LIST = """<ul class="list-unstyled meeting-list mb-3">
  {{ meeting_rows(meetings) }}
</ul>"""


class Committee:
    name = 'Børne- & "unge"udvalget <b>'


def _rows() -> list[dict]:
    now = timezone.now()
    first = dt.datetime(now.year + 1, 1, 1, tzinfo=dt.UTC)  # upcoming: a reply is asked for
    rows = []
    titles = ["Dialogmøde", "Møde <i>om</i> & 'budget'", 'Temamøde "plan"']
    responses = ["none", "yes", None, "no"]
    statuses = ["planned", "cancelled", "held", "planned"]
    for index in range(14):
        starts = first + dt.timedelta(days=9 * index + 30 * (index % 3), hours=13)
        cases = []
        if index % 3 == 0:
            cases = [
                PlanCase(1000 + index, "Sag & <høring>", [(STATE_ORDER[index % len(STATE_ORDER)], 1 + index % 3)]),
                PlanCase(2000 + index, "Ingen høring", []),
                PlanCase(3000 + index, "Alle", [(state, n + 1) for n, state in enumerate(STATE_ORDER)]),
            ]
        elif index % 3 == 1:
            cases = [PlanCase(4000 + index, "Én sag", [(STATE_ORDER[0], 1)])]
        rows.append(
            {
                "pk": 10 + index,
                "title": titles[index % 3],
                "starts_at": starts,
                "ends_at": now - dt.timedelta(days=1) if index == 4 else starts + dt.timedelta(hours=2),  # 4: past
                "status": statuses[index % 4],
                "cancelled_at": now if statuses[index % 4] == "cancelled" else None,
                "kind__name": "Udvalgsmøde <x>",
                "kind__name_en": "Committee meeting" if index % 2 else "",
                "host__name": None if index % 4 == 1 else "Skolen & børnehaven",
                "participant_count": index * 7,
                "my_response": responses[index % 4],
                "month": timezone.localtime(starts).month,
                "_cases": cases,
            }
        )
    rows.sort(key=lambda row: (row["starts_at"], row["pk"]))
    return rows


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("sees_agenda", [True, False])
def test_the_sections_are_what_the_jinja_loop_wrote(language, sees_agenda):
    rows = _rows()
    with translation.override(language):
        _plan_rows(rows, {row["pk"]: row["_cases"] for row in rows})
        old = (
            engines["jinja2"]
            .env.from_string(OLD_LOOP)
            .render(meetings=rows, committee=Committee(), sees_agenda=sees_agenda)
        )
        new = str(plan_sections(rows, committee_name=Committee.name, sees_agenda=sees_agenda))
    assert "plan-case" in new and "is-cancelled" in new and " × " in new and "text-bg-warning" in new
    assert new == old


def test_no_meetings_no_sections():
    assert str(plan_sections([], committee_name="Udvalg", sees_agenda=True)) == ""


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("reader", ["member", "workplace", "anonymous"])
def test_the_list_rows_are_what_the_jinja_loop_wrote(language, reader):
    # My meetings' rows carry the committee and my booking's state; a workplace's, the
    # committee; someone not signed in has no reply of their own.
    rows = _rows()
    bookings = ["cancelled", "moved", None, "confirmed"]
    for index, row in enumerate(rows):
        del row["_cases"], row["month"]
        row["committee__name"] = None if index % 3 == 2 else "Udvalg & <råd>"
        if reader == "member":
            row["my_booking_status"] = bookings[index % 4]
        if reader == "anonymous":
            del row["my_response"]
    with translation.override(language):
        label_rows(rows)
        env = engines["jinja2"].env
        old = env.from_string(OLD_LIST).render(meetings=rows)
        new = env.from_string(NEW_LIST).render(meetings=rows, meeting_rows=meeting_rows)
    assert ("is-cancelled" in new and "text-bg-warning" in new) or reader == "anonymous"
    assert ("text-bg-light" in new) == (reader == "member")
    assert new == old


def test_a_rows_text_is_escaped_as_markupsafe_escapes_it():
    from markupsafe import Markup, escape

    from samspil.jinja2 import escape_text

    for value in ("", "Møde", "<b>&amp;</b>", "a'b\"c", "&&<<>>''\"\"", "æøå – «»", 7, Markup("<i>x</i>")):
        assert escape_text(value) == str(escape(value))
        assert type(escape_text(value)) is str
