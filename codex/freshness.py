"""A data version for the register's filter lists, bumped by the database itself.

The register's committee and centre selects list the active committees and every centre
(organisation.selectors.filter_units): the same rows for every reader until a committee or
a centre is added, renamed or closed. They are kept in the process under this version,
which the register's first query reads with the current code (selectors.register_state),
so the lists cost no query of their own. The same mechanism as the coverage report's
(samspil/data_versions.py: triggers on the columns the lists read bump the version on each
write, whatever made it).
"""

from __future__ import annotations

from samspil.data_versions import DataVersion

# (app label, model, many-to-many field or None, the columns whose UPDATE changes the
# lists; None for any column): what organisation.selectors.filter_units reads.
WATCHED = [
    ("organisation", "Committee", None, ["name", "slug", "is_active"]),
    ("organisation", "Centre", None, ["name", "slug"]),
]


VERSION = DataVersion("codexunits", WATCHED)
