"""A read-only JSON view of a case and its hearing answers, for the municipality's agenda
system to fetch (documented in the README, "Committee cases").

    GET /sager/api/sager/<id>.json
    Authorization: Bearer <token>

Each agenda system has its own token (`python manage.py agenda_token <system name>` prints a
new one; only its SHA-256 is stored; revoke it in the admin). Draft cases and draft answers
are never served: only what the committee's case page shows as submitted.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import AgendaToken, Case, Hearing


def make_token(name: str) -> str:
    """A new token for one system; returns the token (shown once)."""
    token = secrets.token_urlsafe(32)
    AgendaToken.objects.update_or_create(
        name=name, defaults={"token_hash": hashlib.sha256(token.encode()).hexdigest(), "revoked_at": None}
    )
    return token


def _system(request) -> AgendaToken | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    digest = hashlib.sha256(header.removeprefix("Bearer ").strip().encode()).hexdigest()
    return AgendaToken.objects.filter(token_hash=digest, revoked_at__isnull=True).first()


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def case_payload(case: Case, hearings: list[Hearing]) -> dict:
    return {
        "id": case.pk,
        "title": case.title,
        "summary": case.summary,
        "kind": case.kind,
        "status": case.status,
        "committee": case.committee.name,
        "meeting": {"id": case.meeting_id, "title": case.meeting.title, "starts_at": _iso(case.meeting.starts_at)},
        "esdh_number": case.esdh_number,
        "esdh_url": case.esdh_url,
        "hearing_deadline": _iso(case.hearing_deadline),
        "override": {"reason": case.override_reason, "at": _iso(case.override_at)} if case.override_at else None,
        "decision": case.decision_text or None,
        "decided_at": _iso(case.decided_at),
        "hearings": [
            {
                "workplace": h.workplace.name,
                "deadline": _iso(h.deadline),
                "status": h.status,
                "answer": h.submitted_text if h.status == Hearing.Status.ANSWERED else None,
                "sha256": h.sha256 or None,
                "submitted_at": _iso(h.submitted_at),
                "presenter": {"name": h.presenter_name, "title": h.presenter_title}
                if h.speaking == Hearing.Speaking.ACCEPTED
                else None,
            }
            for h in hearings
        ],
    }


@login_not_required
@require_GET
def case_json(request, pk: int):
    system = _system(request)
    if system is None:
        response = JsonResponse({"error": "A valid token is needed (Authorization: Bearer <token>)."}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    case = Case.objects.select_related("committee", "meeting").filter(pk=pk).exclude(status=Case.Status.DRAFT).first()
    if case is None:
        raise Http404
    AgendaToken.objects.filter(pk=system.pk).update(last_used_at=timezone.now())
    hearings = list(Hearing.objects.filter(case=case).select_related("workplace").order_by("workplace__name"))
    return JsonResponse(case_payload(case, hearings), json_dumps_params={"ensure_ascii": False})
