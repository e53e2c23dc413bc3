"""The case with all hearing answers as a PDF appendix (bilag) for the agenda system:
WeasyPrint, tagged (PDF/UA-1), as agreements/pdf.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .models import Case, Hearing


def render_case_pdf(request, case: Case, hearings: list[Hearing]) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "cases/pdf.html",
        {"case": case, "hearings": hearings, "municipality": settings.MUNICIPALITY_NAME},
        request=request,
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=finders.find(name)) for name in ("css/pdf.css", "cases/pdf.css")],
        pdf_variant="pdf/ua-1",
    )
