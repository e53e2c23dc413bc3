"""The benchmark's two floors (bench/README.md): the least a request and a page can cost
on this stack. Served only where the devtools app is installed (DEBUG or
SAMSPIL_DEVTOOLS=1; samspil/urls.py adds devtools/urls.py then), so production never
exposes them.

Both go through every middleware like any page and need a login like any page.
"""

from django.http import HttpResponse
from django.shortcuts import render

from organisation.models import Workplace


def floor_bytes(request):
    """Floor 1: a few bytes through the middleware (session, user, CSP, locale, audit)."""
    return HttpResponse(b"ok", content_type="text/plain")


def floor_table(request):
    """Floor 2: the portal's base template with a 50-row table from one query."""
    # The bare floor's query (bench/bare/): its model has no default order, Workplace has one.
    rows = Workplace.objects.select_related("kind").only("name", "city", "postcode", "kind__name").order_by()[:50]
    return render(request, "devtools/bench_floor.html", {"rows": rows})
