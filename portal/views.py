from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache

from notifications.selectors import unread_for
from organisation.models import ImportJob
from organisation.roles import roles_of
from samspil.broker import ensure_broker_connection
from samspil.cache import cache_available, cache_stats

from . import figures
from .overview import overview_for, overview_identity, sees_overview
from .rawsql import db_date, rows
from .startpage import next_steps

logger = logging.getLogger(__name__)


# The person's current memberships with their committee, workplace (and its kind) and
# centre: what Membership.objects.current().select_related(...).order_by("role") reads,
# in one plain query (portal/rawsql.py: the ORM's Python cost several times the SQL's).
_MEMBERSHIPS_SQL = """
SELECT m.id, m.role, m.committee_id, m.workplace_id, m.centre_id, m.starts_on, m.ends_on,
       c.name, c.slug, w.name, w.slug, w.is_active, w.kind_id, k.slug, k.name, k.name_en, ce.name, ce.slug
FROM organisation_membership m
LEFT JOIN organisation_committee c ON c.id = m.committee_id
LEFT JOIN organisation_workplace w ON w.id = m.workplace_id
LEFT JOIN organisation_workplacekind k ON k.id = w.kind_id
LEFT JOIN organisation_centre ce ON ce.id = m.centre_id
WHERE m.person_id = %s AND (m.ends_on IS NULL OR m.ends_on >= %s) AND m.starts_on <= %s
ORDER BY m.role
"""


def current_memberships(person) -> list:
    """The person's current memberships (Membership.objects.current()), each with its
    committee, workplace, the workplace's kind and centre loaded: only the columns the
    start page shows."""
    from organisation.models import Centre, Committee, Membership, Workplace, WorkplaceKind

    today = db_date(timezone.localdate())
    result = []
    for row in rows(_MEMBERSHIPS_SQL, [person.pk, today, today]):
        (pk, role, committee_id, workplace_id, centre_id, starts_on, ends_on) = row[:7]
        committee = Committee(id=committee_id, name=row[7], slug=row[8]) if committee_id is not None else None
        workplace = None
        if workplace_id is not None:
            kind = WorkplaceKind(id=row[12], slug=row[13], name=row[14], name_en=row[15])
            workplace = Workplace(id=workplace_id, name=row[9], slug=row[10], is_active=bool(row[11]), kind=kind)
        centre = Centre(id=centre_id, name=row[16], slug=row[17]) if centre_id is not None else None
        result.append(
            Membership(
                id=pk,
                person=person,
                role=role,
                committee=committee,
                workplace=workplace,
                centre=centre,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    return result


def home(request):
    roles = roles_of(request.user)
    memberships = current_memberships(request.user)
    committees, workplaces, centres = {}, {}, {}
    for membership in memberships:
        if membership.committee_id in roles.committee_ids:
            committees[membership.committee_id] = membership.committee
        if membership.workplace_id in roles.staff_workplace_ids and membership.workplace.is_active:
            workplaces[membership.workplace_id] = membership.workplace
        if membership.centre_id in roles.headed_centre_ids:
            centres[membership.centre_id] = membership.centre

    if roles.is_administrator and sees_overview(roles):
        # The overview's figures and the administrator's counts (read by three providers of
        # "what needs you next") in one cache round trip (portal/figures.py).
        today = timezone.localdate()
        figures.prefetch(
            request.user,
            [("administrator", figures.administrator_identity(today)), ("overview", overview_identity(roles, today))],
        )

    def by_name(units: dict) -> list:
        return sorted(units.values(), key=lambda unit: (unit.name, unit.pk))

    context = {
        "memberships": memberships,
        "my_committees": by_name(committees),
        "my_workplaces": by_name(workplaces),
        "my_centres": by_name(centres),
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
