"""The agreement as a PDF a council files: WeasyPrint, tagged (PDF/UA-1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from . import selectors, services
from .models import Agreement


def render_agreement_pdf(request, agreement: Agreement) -> bytes:
    from weasyprint import CSS, HTML

    goals = selectors.agreement_goals(agreement)
    approvals = selectors.agreement_approvals(agreement)
    html = render_to_string(
        "agreements/pdf.html",
        {
            "agreement": agreement,
            "goals": goals,
            "signature_rows": selectors.signature_rows(services.required_signatures(agreement), approvals),
            "committees": list(agreement.workplace.committees.all()),
            "municipality": settings.MUNICIPALITY_NAME,
        },
        request=request,
    )
    stylesheet = finders.find("css/pdf.css")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=stylesheet)], pdf_variant="pdf/ua-1"
    )
