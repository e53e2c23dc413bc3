"""The scale generator adds committee cases with hearings (cases/scale.py), and the bench's
two case pages answer on them."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, Hearing


def test_the_scale_generator_adds_cases_with_hearings(org, client_for, settings):
    # A development tool: installed where DEBUG or SAMSPIL_DEVTOOLS is on, as bench/run does.
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "devtools"]
    call_command(
        "scale_data",
        without_demo=True,
        workplaces=12,
        committees=2,
        people=80,
        meetings=60,
        visit_times=5,
        agreements=5,
        stories=5,
        signatures=5,
        cases=120,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    cases = Case.objects.filter(committee__slug__startswith="skala-")
    assert cases.count() == 120
    assert set(cases.values_list("status", flat=True)) >= {"decided", "in_hearing"}
    assert Hearing.objects.filter(case__in=cases, status="answered").exclude(sha256="").exists()
    assert Hearing.objects.filter(case__in=cases, status="open").exists()
    busiest = cases.values_list("meeting_id", flat=True).first()
    assert client_for(org.director).get(reverse("cases:agenda", args=[busiest])).status_code == 200
    figures = client_for(org.director).get(reverse("cases:figures"))
    assert figures.status_code == 200 and figures.context["figures"]["committees"]
