"""A data version for the hearing figures' cache, bumped by the database itself.

The hearing figures (cases/figures.py) aggregate the period's rows of the figure table
(models.HearingFigure, kept by triggers: cases/figure_table.py) for a scope of workplaces,
and their filter form lists the electoral terms, committees, centres and kinds. Both are
cached under this version, shared by everyone who asks for the same scope and filters, so
a repeated look costs this version's query instead of seven.

The same mechanism as the coverage report's (samspil/data_versions.py: triggers on every
table and column the page reads bump the version on each write, whatever made it). The
figure table itself is watched, not the hearings, cases and meetings behind it: its rows
are rewritten by its own triggers in the same statement as the change that moves them, so
a write that changes no figure (a draft autosaved, a meeting's title) keeps the cache.
"""

from __future__ import annotations

from samspil.data_versions import DataVersion

# (app label, model, many-to-many field or None, the columns whose UPDATE changes the
# page; None for any column). Whatever cases/figures.py and its filters read.
WATCHED = [
    ("cases", "HearingFigure", None, None),
    ("organisation", "Workplace", None, ["name", "slug", "kind_id", "centre_id", "is_active"]),
    ("organisation", "Workplace", "committees", None),  # the committee filter, a chair's scope
    ("organisation", "Committee", None, None),
    ("organisation", "Centre", None, None),
    ("organisation", "WorkplaceKind", None, None),
    ("organisation", "ElectoralTerm", None, None),  # the period filter's choices
    ("meetings", "MeetingKind", None, None),  # the filter form's last field
]


VERSION = DataVersion("hearingfigures", WATCHED)
