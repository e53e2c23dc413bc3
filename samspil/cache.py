"""Redis as a cache that never takes the site down (issue 15, point 1).

Everything Samspil keeps in Redis's cache database can be recomputed or read again from
PostgreSQL: sessions (``cached_db``: the database holds every session, Redis a copy),
the coverage report, the code register's counts, calendar feeds. So a cache error is not
a request error: `ResilientRedisCache` answers a failed read with "not cached" and a
failed write with "not stored", logs the outage once (and its end), and counts every
failed call (`stats()`, shown by ``/healthz``).

Two things make the degraded mode safe rather than merely quiet:

- **No stale value survives the outage.** A write or delete that failed (a session ended
  by a logout, a cache entry invalidated by a change) is remembered in this process, and
  those keys are deleted from Redis before this process uses it again. Otherwise a logout
  during the outage would come back to life with the old cached session.
- **Rate limits fail safe.** allauth counts login attempts in the cache; with no cache
  it could not count, so logins are refused with a message saying why while the cache is
  down (accounts.adapters) instead of allowing unlimited tries. People already logged in
  keep working.

After a failure the backend does not touch Redis for `RETRY_SECONDS` (a circuit
breaker), so a Redis that hangs costs one short socket timeout, not one per cache call.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("samspil.cache")

# How long a failed Redis is left alone before the next call tries it again.
RETRY_SECONDS = 2.0
# Keys whose write failed, to be deleted when Redis answers again; beyond this many the
# oldest are dropped (and logged): a bound on memory during a long outage.
MAX_REMEMBERED_KEYS = 50_000


class _State:
    """Per-process state of one cache alias: the breaker and the counters."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.errors = 0
        self.outages = 0
        self.stale_keys: dict[str, None] = {}  # ordered set
        self.dropped_keys = 0


_STATES: dict[tuple[str, str], _State] = {}
_STATES_LOCK = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool instead of making one
    for every cache call (Django's get_client does): building a redis.Redis copies its
    ~170 response callbacks, ≈ 0.1 ms, paid by every page for its session. A redis.Redis
    is safe to share: each command takes a connection from the pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose connection errors degrade instead of raising."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # A Redis that does not answer must cost a fraction of a second, not a request.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        # Django makes one backend object per thread; the breaker and the stale keys belong
        # to the server, shared by the threads of this process.
        with _STATES_LOCK:
            self._state = _STATES.setdefault((str(server), self.key_prefix), _State())

    # --- the breaker --------------------------------------------------------------------
    def _usable(self) -> bool:
        """False while the breaker is open; when it may close, first delete the keys whose
        writes failed (the probe): only then is Redis used again."""
        state = self._state
        if state.down_since is None:
            return True
        if time.monotonic() < state.retry_at:
            return False
        with state.lock:
            keys = list(state.stale_keys)
        try:
            for start in range(0, len(keys), 1000):
                self._cache.delete_many(keys[start : start + 1000])
            self._cache.get_client(write=True).ping()
        except RedisError as exc:
            self._failed("probe", exc)
            return False
        with state.lock:
            for key in keys:
                state.stale_keys.pop(key, None)
            seconds = time.monotonic() - state.down_since
            state.down_since = None
        logger.warning(
            "cache: Redis answers again after %.1f s; %d stale keys deleted, %d failed calls",
            seconds,
            len(keys),
            state.errors,
        )
        return True

    def _failed(self, operation: str, exc: Exception, stale: list[str] | None = None) -> None:
        state = self._state
        with state.lock:
            state.errors += 1
            state.retry_at = time.monotonic() + RETRY_SECONDS
            first = state.down_since is None
            if first:
                state.down_since = time.monotonic()
                state.outages += 1
            for key in stale or ():
                state.stale_keys[key] = None
            while len(state.stale_keys) > MAX_REMEMBERED_KEYS:
                state.stale_keys.pop(next(iter(state.stale_keys)))
                state.dropped_keys += 1
        if first:
            logger.warning("cache: Redis failed (%s: %s); serving without the cache", operation, exc)
        else:
            logger.debug("cache: %s failed: %s", operation, exc)

    def _stale(self, key: str, version: int | None) -> list[str]:
        return [self.make_and_validate_key(key, version=version)]

    # --- reads: "not cached" --------------------------------------------------------------
    def get(self, key, default=None, version=None):
        if not self._usable():
            self._state.errors += 1
            return default
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._failed("get", exc)
            return default

    def get_many(self, keys, version=None):
        if not self._usable():
            self._state.errors += 1
            return {}
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._failed("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        if not self._usable():
            self._state.errors += 1
            return False
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            self._failed("has_key", exc)
            return False

    # --- writes: "not stored", and the key remembered as stale ------------------------------
    def _write(self, operation: str, stale: list[str], call, failed_result):
        if not self._usable():
            self._failed(operation, RedisError("breaker open"), stale)
            return failed_result
        try:
            return call()
        except RedisError as exc:
            self._failed(operation, exc, stale)
            return failed_result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # False: "someone else holds it" — allauth's lock then refuses, which is the safe side.
        return self._write(
            "add",
            self._stale(key, version),
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            False,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            "set",
            self._stale(key, version),
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            None,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(
            "touch",
            self._stale(key, version),
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            False,
        )

    def delete(self, key, version=None):
        return self._write(
            "delete", self._stale(key, version), lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def incr(self, key, delta=1, version=None):
        # As if the key were missing: callers then set it, which fails quietly too, and the
        # key is deleted when Redis is back, so nobody reads an old counter as current.
        result = self._write(
            "incr", self._stale(key, version), lambda: super(ResilientRedisCache, self).incr(key, delta, version), None
        )
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        stale = [self.make_and_validate_key(key, version=version) for key in data]
        result = self._write(
            "set_many", stale, lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), None
        )
        return list(data) if result is None else result

    def delete_many(self, keys, version=None):
        keys = list(keys)
        stale = [self.make_and_validate_key(key, version=version) for key in keys]
        self._write("delete_many", stale, lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._write("clear", [], lambda: super(ResilientRedisCache, self).clear(), False)

    # --- for /healthz and the login ----------------------------------------------------
    def available(self) -> bool:
        """True when Redis answers a ping now (or the breaker's probe succeeds)."""
        if not self._usable():
            return False
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as exc:
            self._failed("ping", exc)
            return False
        return True

    def stats(self) -> dict[str, int | float | None]:
        state = self._state
        return {
            "errors": state.errors,
            "outages": state.outages,
            "stale_keys": len(state.stale_keys),
            "down_seconds": None if state.down_since is None else round(time.monotonic() - state.down_since, 1),
        }


def cache_available(alias: str = "default") -> bool:
    """Whether the cache behind `alias` works now. Caches without a server (memory, files)
    always do; a plain RedisCache is asked with a ping."""
    backend = caches[alias]
    if isinstance(backend, ResilientRedisCache):
        return backend.available()
    if isinstance(backend, RedisCache):
        try:
            backend._cache.get_client(write=True).ping()
        except RedisError:
            return False
    return True


def cache_stats(alias: str = "default") -> dict[str, int | float | None] | None:
    backend = caches[alias]
    return backend.stats() if isinstance(backend, ResilientRedisCache) else None
