"""The committee plan's month sections written in Python (meetings/_committee_plan.jinja
prints them): the markup its Jinja2 loop wrote, byte for byte
(tests/meetings/test_plan_html.py renders that loop beside it).

Forty rows of twenty values each were most of the plan's rendering: an escape, a
finalize and a look-up per value, a `row_url` (two context-local look-ups) per link and
a catalogue look-up per `_()` per row. Here each value is escaped once, the links are
made from one reversed prefix per route and the words are translated once per page."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.template import engines
from django.utils import translation
from django.utils.formats import localize
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from samspil.jinja2 import row_url

_MARKER = "2000000001"  # an int no route argument is; split off to give a route's prefix


def _route(name: str) -> tuple[str, str]:
    """The link of route `name` for an id as (prefix, suffix): row_url's parts."""
    head, _sep, tail = row_url(name, _MARKER).rpartition(_MARKER)
    return head, tail


# cases/_state.jinja's hearing_state(state) per language and state: its macro's markup.
_STATES: dict[tuple[str, str], str] = {}


def _state_html(state: str) -> str:
    key = (translation.get_language() or "", state)
    html = _STATES.get(key)
    if html is None:
        macro = engines["jinja2"].env.get_template("cases/_state.jinja").module.hearing_state
        html = str(macro(state))
        if len(_STATES) < 200:
            _STATES[key] = html
    return html


def _number(n: int) -> str:
    # What the Jinja2 environment's finalize prints for a whole number.
    return str(n) if not settings.USE_THOUSAND_SEPARATOR else str(localize(n))


def plan_sections(meetings: list[dict], *, committee_name: str, sees_agenda: bool) -> Markup:
    """The plan's rows (views._plan_rows) by month, as
    `{%- for month, rows in meetings|groupby("month") %}…{% endfor %}` wrote them."""
    meeting_head, meeting_tail = _route("meetings:meeting")
    case_head, case_tail = _route("cases:detail")
    agenda_head, agenda_tail = _route("cases:agenda")
    committee = escape(committee_name)
    answer = f'<span class="badge text-bg-warning">{escape(_("Answer"))}</span>'
    cases_and_hearings = escape(_("Cases and hearings"))
    no_hearing = f'<span class="text-body-secondary">{escape(_("No workplace is heard on this case."))}</span>'
    out: list[str] = []
    write = out.append
    # groupby sorts by the month as Jinja2's groupby filter does (the rows come in order).
    for month, rows in groupby(sorted(meetings, key=lambda meeting: meeting["month"]), key=lambda m: m["month"]):
        rows = list(rows)
        month_id = escape(month)
        write(
            f'\n<section aria-labelledby="month-{month_id}">\n'
            f'  <h2 class="h5 mt-3" id="month-{month_id}">{escape(rows[0]["month_name"])}</h2>\n'
            "  \n"
            '<ul class="list-unstyled meeting-list mb-3">\n  '
        )
        for meeting in rows:
            pk = meeting["pk"]
            title = escape(meeting["title"])
            host = meeting["host__name"]
            write(
                f'\n  <li class="meeting-row{" is-cancelled" if meeting["cancelled_at"] else ""}">\n'
                '    <div class="meeting-when">\n'
                f'      <span class="meeting-day">{escape(meeting["day"])}</span>\n'
                f'      <span class="meeting-year">{escape(meeting["year"])}</span>\n'
                "    </div>\n"
                '    <div class="meeting-what">\n'
                f'      <a class="fw-semibold" href="{escape(f"{meeting_head}{pk}{meeting_tail}")}">{title}</a>\n'
                '      <div class="small text-body-secondary">\n'
                f"        {escape(meeting['kind_label'])} · {escape(meeting['times'])}"
                f"{f' · {escape(host)}' if host else ''} · {committee}\n"
                "      </div>\n"
                "      "
            )
            cases = meeting["plan_cases"]
            if cases:
                write(
                    '\n<div class="plan-cases small mt-1">\n'
                    f'  <span class="fw-semibold">{escape(meeting["cases_label"])}</span>\n'
                    '  <ul class="list-unstyled mb-0">\n    '
                )
                for case in cases:
                    write(
                        f'\n    <li class="plan-case"><a href="{escape(f"{case_head}{case.pk}{case_tail}")}">'
                        f"{escape(case.title)}</a>\n      "
                    )
                    if case.state_counts:
                        for state, n in case.state_counts:
                            write(_state_html(state))
                            if n > 1:
                                write(f" × {escape(_number(n))}")
                            write(" ")
                    else:
                        write(no_hearing)
                    write("</li>\n    ")
                write("\n  </ul>\n  ")
                if sees_agenda:
                    write(
                        f'<a href="{escape(f"{agenda_head}{pk}{agenda_tail}")}">{cases_and_hearings}'
                        f'<span class="visually-hidden"> – {title}</span></a>'
                    )
                write("\n</div>\n")
            responds = (
                meeting.get("my_response") == "none" and meeting["status"] != "cancelled" and not meeting["is_past"]
            )
            write(
                "\n    </div>\n"
                '    <div class="meeting-state">\n'
                f'      <span class="badge status-{escape(meeting["status"])}">{escape(meeting["status_label"])}</span>\n'
                "      \n"
                f"      {answer if responds else ''}\n"
                f'      <span class="small text-body-secondary d-block">{escape(meeting["participants"])}</span>\n'
                "    </div>\n"
                "  </li>\n  "
            )
        write("\n</ul>\n\n</section>\n")
    return Markup("".join(out))  # noqa: S704  # nosec B704 - every value in it is escaped or a macro's markup
