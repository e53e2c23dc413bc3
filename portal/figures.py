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

from . import freshness

_VERSIONS_ATTR = "_samspil_figure_versions"


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
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, cache_seconds())
    return value
