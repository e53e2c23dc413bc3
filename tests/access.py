"""The access matrix: every URL pattern × every role, checked against a table.

Each app keeps its rows in `tests/<app>/access_table.py` as `ROWS = [Row(...), ...]`.
`tests/test_access_matrix.py` enumerates the project's URL patterns and fails for any
pattern without a row, so a new URL cannot ship without saying who may use it.

Expected answers per role, in the order a row is read:
- `expect={"leader": 200, ...}` for the roles named,
- `others=` for every other signed-in role,
- `anonymous=` for a visitor who is not signed in ("login" = redirect to the login page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"  # a redirect to the login page
REDIRECT = "redirect"  # any redirect (3xx) that is not to the login page

ROLES = (
    "admin",
    "director",
    "chair",
    "member",
    "leader",
    "employee",
    "union_rep",
    "med_contact",
    "centre_head",
    "other_leader",
    "other_member",
    "nobody",
)


@dataclass
class Row:
    name: str  # URL name, e.g. "organisation:workplace"
    kwargs: Callable[[object], dict] | dict = field(default_factory=dict)
    method: str = "GET"
    data: Callable[[object], dict] | dict | None = None
    expect: dict[str, int | str] = field(default_factory=dict)
    others: int | str = 404
    anonymous: int | str = LOGIN
    # Runs after a refused write: asserts nothing changed (for POST rows).
    unchanged: Callable[[object], object] | None = None
    # A setup run before each request (for example creating the object the URL names).
    setup: Callable[[object], dict] | None = None

    def expected(self, role: str) -> int | str:
        if role == "anonymous":
            return self.anonymous
        return self.expect.get(role, self.others)


def everyone(status: int | str = 200, **overrides) -> dict[str, int | str]:
    """Every signed-in role gets `status`, except the overrides."""
    return {role: overrides.get(role, status) for role in ROLES}
