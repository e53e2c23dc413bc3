"""Who may use each coverage URL: the leadership, centre heads and committee chairs see
the dashboard (each their own workplaces); everyone else gets 404, so the page does not
even say it exists. The rotation plan of org.committee: the leadership and its chair."""

from tests.access import Row

SEES_COVERAGE = {"admin": 200, "director": 200, "chair": 200, "centre_head": 200}

ROWS = [
    Row("coverage:dashboard", expect=SEES_COVERAGE),
    Row("coverage:export", kwargs={"fmt": "csv"}, expect=SEES_COVERAGE),
    Row("coverage:export", kwargs={"fmt": "xlsx"}, expect=SEES_COVERAGE),
    Row("coverage:plan_index", expect=SEES_COVERAGE),
    Row(
        "coverage:plan",
        kwargs=lambda o: {"slug": o.committee.slug},
        expect={"admin": 200, "director": 200, "chair": 200},
    ),
]
