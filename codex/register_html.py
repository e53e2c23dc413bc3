"""The register's rows written in Python (codex/_register_rows.jinja prints them): the
markup its Jinja2 loop wrote, byte for byte (tests/codex/test_register_html.py renders
that loop beside them). Fifty rows of five values each were a loop of look-ups, finalize
calls and escapes per value; here each value is escaped once and the badges are written
once a page."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from .selectors import RegisterRow


def register_rows(rows: Iterable[RegisterRow], signed: str, not_signed: str) -> Markup:
    """The <tr> of each row, with the white space the loop left around them."""
    signed_badge = f'<span class="badge text-bg-success">{escape(signed)}</span> <span class="small">'
    not_signed_cell = f'<span class="badge text-bg-warning">{escape(not_signed)}</span></td>\n      </tr>\n      '
    parts = []
    for row in rows:
        person = row.person
        unit = f'<br><span class="small text-body-secondary">{escape(row.unit)}</span>' if row.unit else ""
        status = (
            f"{signed_badge}{escape(row.signed_on)}</span></td>\n      </tr>\n      "
            if row.signed_at is not None
            else not_signed_cell
        )
        parts.append(
            f'\n      <tr>\n        <td class="codex-name">{escape(person.full_name or person.email)}</td>\n'
            f"        <td>{escape(row.role_label)}{unit}</td>\n        <td>{status}"
        )
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every value in it is escaped
