from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from notifications.selectors import unread_for
from organisation.models import ImportJob
from organisation.roles import roles_of
from organisation.selectors import workplaces_listed
from samspil.broker import ensure_broker_connection
from samspil.cache import cache_available, cache_stats

from .overview import overview_for
from .startpage import next_steps

logger = logging.getLogger(__name__)


def home(request):
    roles = roles_of(request.user)
    from organisation.models import Centre, Committee, Membership

    memberships = (
        Membership.objects.current()
        .filter(person=request.user)
        .select_related("committee", "workplace", "workplace__kind", "centre")
        .order_by("role")
    )
    context = {
        "memberships": memberships,
        "my_committees": Committee.objects.filter(pk__in=roles.committee_ids),
        "my_workplaces": workplaces_listed().filter(pk__in=roles.staff_workplace_ids),
        "my_centres": Centre.objects.filter(pk__in=roles.headed_centre_ids),
        "next_steps": next_steps(request.user, roles),
        "notifications": unread_for(request.user),
        "overview": overview_for(request.user, roles),
    }
    return render(request, "portal/home.html", context)


@permission_required("organisation.import_data", raise_exception=True)
def administration(request):
    recent_imports = ImportJob.objects.select_related("created_by")[:5]
    return render(request, "portal/administration.html", {"recent_imports": recent_imports})


@login_not_required
@never_cache
def healthz(request):
    """Load balancers and docker ask here: 200 when the database and the broker answer;
    the cache's state ("ok" or "degraded") and its failed calls are reported beside."""
    checks = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        logger.warning("healthz: database: %s", exc)
        checks["database"] = "error"
    try:
        ensure_broker_connection(timeout=2)
    except Exception as exc:
        logger.warning("healthz: broker: %s", exc)
        checks["broker"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    # The cache is reported but does not fail the check: without it every page still works,
    # from the database (samspil/cache.py); taking the web servers out would be worse.
    checks["cache"] = "ok" if cache_available() else "degraded"
    extra = {"cache_errors": stats["errors"]} if (stats := cache_stats()) else {}
    return JsonResponse({"status": "ok" if healthy else "error", **checks, **extra}, status=200 if healthy else 503)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def too_many_requests(request):
    """A rate limit refused the request. When the limit could not even be counted (the
    cache is down, samspil/cache.py) the refusal is the safe side, and the page says so:
    503 with Retry-After, so nobody reads it as "you tried too often"."""
    if not cache_available():
        response = render(request, "429.html", {"cache_down": True}, status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "429.html", {"cache_down": False}, status=429)


@login_not_required
def server_error(request):
    # No context processors: whatever failed (the database, say) must not fail this page too.
    return HttpResponseServerError(loader.render_to_string("500.html"))
