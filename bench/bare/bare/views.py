from django.shortcuts import render

from .models import Workplace


def table(request):
    """The same 50 rows and columns as Samspil's own floor (devtools.views.floor_table)."""
    rows = Workplace.objects.select_related("kind").only("name", "city", "postcode", "kind__name")[:50]
    return render(request, "bare/table.html", {"rows": rows})
