"""The register's rows written in Python (codex/register_html.py) are the markup its Jinja2
loop wrote: signed and not, with and without a unit, a name or only an address, text that
needs escaping, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation

from codex import register_html
from codex.selectors import RegisterPerson, RegisterRow

pytestmark = pytest.mark.django_db(databases=[])

# The loop as codex/_register_rows.jinja had it before register_html wrote it.
OLD_LOOP = """<tbody>{% set signed, not_signed = _("Signed"), _("Not signed") %}
      {% for row in page.object_list %}
      <tr>
        <td class="codex-name">{{ row.person.full_name or row.person.email }}</td>
        <td>{{ row.role_label }}{% if row.unit %}<br><span class="small text-body-secondary">{{ row.unit }}</span>{% endif %}</td>
        <td>{% if row.has_signed %}<span class="badge text-bg-success">{{ signed }}</span> <span class="small">{{ row.signed_on }}</span>{% else %}<span class="badge text-bg-warning">{{ not_signed }}</span>{% endif %}</td>
      </tr>
      {% endfor %}
      </tbody>"""

NEW_LOOP = """<tbody>{% set signed, not_signed = _("Signed"), _("Not signed") %}
      {{ register_rows(page.object_list, signed, not_signed) }}
      </tbody>"""


def _rows() -> list[RegisterRow]:
    now = timezone.now()
    return [
        RegisterRow(
            1,
            RegisterPerson("Anne <Ørsted> & Co", "a@x.dk"),
            "employee",
            "Medarbejder",
            "Skole & SFO",
            now,
            "7.12.2026",
        ),
        RegisterRow(2, RegisterPerson("", "only@address.dk"), "committee_member", "Udvalgsmedlem", "Udvalg", None, ""),
        RegisterRow(
            3, RegisterPerson("Bo", "bo@x.dk"), "director", "Direktør", None, now - dt.timedelta(days=3), "4.12.2026"
        ),
        RegisterRow(4, RegisterPerson('Cai "Q"', "c@x.dk"), "centre_head", "Centerchef", "Center 'Kultur'", None, ""),
    ]


class _Page:
    def __init__(self, rows):
        self.object_list = rows


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("count", [0, 1, 4])
def test_the_rows_are_what_the_jinja_loop_wrote(language, count):
    page = _Page(_rows()[:count])
    env = engines["jinja2"].env
    with translation.override(language):
        old = env.from_string(OLD_LOOP).render(page=page)
        new = env.from_string(NEW_LOOP).render(page=page, register_rows=register_html.register_rows)
    assert new == old
    if count == 4:
        assert "&lt;Ørsted&gt; &amp; Co" in new and "only@address.dk" in new and "text-bg-warning" in new
