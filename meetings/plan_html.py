"""Meeting list rows written in Python: the committee plan's month sections
(meetings/_committee_plan.jinja prints them) and the rows of meetings/_meeting_list.jinja
(my meetings, a workplace's meetings), the markup their Jinja2 loops wrote, byte for byte
(tests/meetings/test_plan_html.py renders those loops beside them).

Forty rows of twenty values each were most of the plan's rendering (twenty of my meetings':
1.2 of 1.7 ms): an escape, a
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

from samspil.jinja2 import escape_text, row_url

_MARKER = "2000000001"  # an int no route argument is; split off to give a route's prefix


def _route(name: str) -> tuple[str, str]:
    """The link of route `name` for an id as (prefix, suffix): row_url's parts, each escaped
    (escaping goes character by character, and an id's digits need none)."""
    head, _sep, tail = row_url(name, _MARKER).rpartition(_MARKER)
    return escape_text(head), escape_text(tail)


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


class _Rows:
    """A page's meeting rows as meetings/_meeting_list.jinja's and the plan's loops wrote
    each (the same row; the plan's adds the meeting's committee cases), with the links'
    prefixes and the words worked out once per page."""

    def __init__(self, *, sees_agenda: bool = False) -> None:
        self.meeting = _route("meetings:meeting")
        self.sees_agenda = sees_agenda
        self.answer = f'<span class="badge text-bg-warning">{escape(_("Answer"))}</span>'
        self.bookings = {
            "cancelled": f'<span class="badge text-bg-light">{escape(_("You cancelled"))}</span>',
            "moved": f'<span class="badge text-bg-light">{escape(_("You moved it"))}</span>',
        }

    def _cases_words(self) -> None:
        self.case = _route("cases:detail")
        self.agenda = _route("cases:agenda")
        self.cases_and_hearings = escape(_("Cases and hearings"))
        self.no_hearing = f'<span class="text-body-secondary">{escape(_("No workplace is heard on this case."))}</span>'

    def write(self, write, meeting: dict, committee: str) -> None:
        """One row; `committee`: the escaped " · committee" its second line ends with."""
        pk = meeting["pk"]
        title = escape_text(meeting["title"])
        host = meeting["host__name"]
        head, tail = self.meeting
        write(
            f'\n  <li class="meeting-row{" is-cancelled" if meeting["cancelled_at"] else ""}">\n'
            '    <div class="meeting-when">\n'
            f'      <span class="meeting-day">{escape_text(meeting["day"])}</span>\n'
            f'      <span class="meeting-year">{escape_text(meeting["year"])}</span>\n'
            "    </div>\n"
            '    <div class="meeting-what">\n'
            f'      <a class="fw-semibold" href="{head}{pk}{tail}">{title}</a>\n'
            '      <div class="small text-body-secondary">\n'
            f"        {escape_text(meeting['kind_label'])} · {escape_text(meeting['times'])}"
            f"{f' · {escape_text(host)}' if host else ''}{committee}\n"
            "      </div>\n"
            "      "
        )
        cases = meeting.get("plan_cases")
        if cases:
            self._write_cases(write, meeting, cases, title)
        responds = meeting.get("my_response") == "none" and meeting["status"] != "cancelled" and not meeting["is_past"]
        write(
            "\n    </div>\n"
            '    <div class="meeting-state">\n'
            f'      <span class="badge status-{escape_text(meeting["status"])}">{escape_text(meeting["status_label"])}</span>\n'
            f"      {self.bookings.get(meeting.get('my_booking_status'), '')}\n"
            f"      {self.answer if responds else ''}\n"
            f'      <span class="small text-body-secondary d-block">{escape_text(meeting["participants"])}</span>\n'
            "    </div>\n"
            "  </li>\n  "
        )

    def _write_cases(self, write, meeting: dict, cases: list, title: str) -> None:
        if not hasattr(self, "case"):
            self._cases_words()
        write(
            '\n<div class="plan-cases small mt-1">\n'
            f'  <span class="fw-semibold">{escape_text(meeting["cases_label"])}</span>\n'
            '  <ul class="list-unstyled mb-0">\n    '
        )
        case_head, case_tail = self.case
        for case in cases:
            write(
                f'\n    <li class="plan-case"><a href="{case_head}{case.pk}{case_tail}">{escape_text(case.title)}</a>\n      '
            )
            if case.state_counts:
                for state, n in case.state_counts:
                    write(_state_html(state))
                    if n > 1:
                        write(f" × {escape(_number(n))}")
                    write(" ")
            else:
                write(self.no_hearing)
            write("</li>\n    ")
        write("\n  </ul>\n  ")
        if self.sees_agenda:
            head, tail = self.agenda
            pk = meeting["pk"]
            write(
                f'<a href="{head}{pk}{tail}">{self.cases_and_hearings}'
                f'<span class="visually-hidden"> – {title}</span></a>'
            )
        write("\n</div>\n")


def meeting_rows(meetings: list[dict]) -> Markup:
    """The rows of meetings/_meeting_list.jinja (my meetings, a workplace's meetings): its
    `{% for meeting in meetings %}…{% endfor %}`, from rows labelled by views.label_rows."""
    rows = _Rows()
    out: list[str] = []
    write = out.append
    for meeting in meetings:
        name = meeting.get("committee__name")
        rows.write(write, meeting, f" · {escape_text(name)}" if name else "")
    return Markup("".join(out))  # noqa: S704  # nosec B704 - every value in it is escaped


def plan_sections(meetings: list[dict], *, committee_name: str, sees_agenda: bool) -> Markup:
    """The plan's rows (views._plan_rows) by month, as
    `{%- for month, rows in meetings|groupby("month") %}…{% endfor %}` wrote them."""
    rows_writer = _Rows(sees_agenda=sees_agenda)
    committee = f" · {escape(committee_name)}"
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
            rows_writer.write(write, meeting, committee)
        write("\n</ul>\n\n</section>\n")
    return Markup("".join(out))  # noqa: S704  # nosec B704 - every value in it is escaped or a macro's markup
