"""Municipal figures on the start page, cached under the data versions that can change them.

`cached(user, namespace, identity, compute)` returns `compute()`, read from the cache
under the start page's data version and the coverage report's (portal/freshness.py,
coverage/freshness.py) when it was computed at the same versions for the same identity
(scope, day, language). Both versions are read in one query per request, kept on the
user object like the roles (organisation/roles.py). A write to any table the figures
read moves a version on, so the next request computes afresh: never stale figures, only
recomputed ones. What is cached are small plain values (counts, a chart's numbers), never
HTML and never model instances.
"""

from __future__ import annotations

from hashlib import sha256

from django.core.cache import cache
from django.utils import timezone

from . import freshness

_VERSIONS_ATTR = "_samspil_figure_versions"
_ADMINISTRATOR_ATTR = "_samspil_administrator_counts"
_PREFETCHED_ATTR = "_samspil_prefetched_figures"
# The shape of administrator_counts' entry: a new number when it changes (a deploy never
# reads an entry an older version wrote).
ADMINISTRATOR_FORMAT = 1


def versions_for(user) -> tuple[str, str] | None:
    """The two data versions, read once per request (one query)."""
    if user is not None and hasattr(user, _VERSIONS_ATTR):
        return getattr(user, _VERSIONS_ATTR)
    value = freshness.versions()
    if user is not None:
        setattr(user, _VERSIONS_ATTR, value)
    return value


def cache_key(namespace: str, versions: tuple[str, str], identity: str) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]["NAME"]
    return f"portal:{namespace}:" + sha256(f"{database}|{versions}|{identity}".encode()).hexdigest()


def cached(user, namespace: str, identity, compute):
    versions = versions_for(user)
    if versions is None:
        return compute()
    from coverage.selectors import cache_seconds

    key = cache_key(namespace, versions, repr(identity))
    value = getattr(user, _PREFETCHED_ATTR, {}).get(key)
    if value is None:
        value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, cache_seconds())
    return value


def prefetch(user, entries: list[tuple[str, object]]) -> None:
    """Read the entries (namespace, identity) that this request's `cached` calls will ask
    for in one cache round trip instead of one each (the administrator's start page reads
    the overview and the counts). Kept on the user object for the request, like the
    versions; what is not found is computed by `cached` as before."""
    versions = versions_for(user)
    if versions is None or user is None:
        return
    keys = [cache_key(namespace, versions, repr(identity)) for namespace, identity in entries]
    setattr(user, _PREFETCHED_ATTR, cache.get_many(keys))


def administrator_counts(user) -> dict:
    """The municipal figures under the administrator's "what needs you next", computed
    together and read in one cache read (kept on the user for the request's three steps):
    people without an account (portal), stories waiting (stories), the five overdue
    hearings' cases (cases)."""
    counts = getattr(user, _ADMINISTRATOR_ATTR, None)
    if counts is None:
        today = timezone.localdate()
        counts = cached(user, "administrator", administrator_identity(today), lambda: _administrator_counts(today))
        setattr(user, _ADMINISTRATOR_ATTR, counts)
    return counts


def administrator_identity(today) -> tuple:
    return (ADMINISTRATOR_FORMAT, today)


def _administrator_counts(today) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from cases.startpage import overdue_cases
    from stories.models import Story

    people = get_user_model().objects.filter(
        is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX, invitations__isnull=True
    )
    return {
        "never_invited": people.count(),
        "stories_waiting": Story.objects.filter(status=Story.Status.SUBMITTED).count(),
        "overdue_cases": list(overdue_cases(today)),
    }
