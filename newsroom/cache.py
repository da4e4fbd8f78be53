"""Django's RedisCache, made cheaper per call, plus counters in one round trip, and a
site that carries on when Redis cannot be reached.

Django's client builds a new redis.Redis object for every cache call, which costs more
than the call itself on a page served from the cache; here each process keeps one per
connection pool (redis.Redis is thread-safe, and its pool starts afresh after a fork).

When a call cannot reach Redis (refused, or no answer within the socket timeout), the
process logs it once and carries on with a cache of its own in local memory, as it would
without Redis, and asks Redis again only after CACHE_RETRY_SECONDS: pages are rendered
from the database and kept by the process for PAGE_CACHE_LOCAL_SECONDS (see
articles.pagecache), and rate limits count per process. When Redis answers again, the process
drops its local cache and sends `cache_reconnected`, so that nothing it wrote only
locally (a page generation bumped by a moderation) leaves a stale page in Redis.
"""

import hashlib
import logging
import time
from functools import partial

import redis
from django.conf import settings
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache
from django.dispatch import Signal

logger = logging.getLogger("newsroom.cache")

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Sent when a process that carried on without Redis reaches it again.
cache_reconnected = Signal()

INCR_COUNTERS = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call("INCR", key)
  if counts[i] == 1 then
    redis.call("EXPIRE", key, ARGV[i])
  end
end
return counts
"""
INCR_COUNTERS_SHA1 = hashlib.sha1(INCR_COUNTERS.encode()).hexdigest()  # noqa: S324 (Redis names scripts so)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr_counters(self, keys_and_timeouts):
        """Add one to each counter, starting it with its timeout if missing: one round trip,
        atomic (a Lua script, called by its digest; loaded again if Redis lost it)."""
        client = self.get_client(write=True)
        keys = [key for key, _timeout in keys_and_timeouts]
        timeouts = [int(timeout) for _key, timeout in keys_and_timeouts]
        arguments = (INCR_COUNTERS_SHA1, len(keys), *keys, *timeouts)
        try:
            return client.evalsha(*arguments)
        except redis.exceptions.NoScriptError:
            client.script_load(INCR_COUNTERS)
            return client.evalsha(*arguments)

    def decr_counters(self, keys):
        client = self.get_client(write=True)
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.decr(key)
            pipe.execute()


def _shared_or_local_method(name):
    """The cache method `name`: Django's RedisCache while Redis answers, else the
    process's own cache (RedisCache._shared_or_local)."""

    def method(self, *args, **kwargs):
        return self._shared_or_local(
            partial(getattr(django_redis.RedisCache, name), self, *args, **kwargs),
            partial(getattr(self._local, name), *args, **kwargs),
        )

    method.__name__ = method.__qualname__ = name
    return method


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        # Generations, counters and throttles, while Redis is away (articles.pagecache
        # keeps its pages in its own bounded copy then).
        self._local = LocMemCache(
            f"newsroom-fallback-{id(self)}",
            {"TIMEOUT": self.default_timeout, "MAX_ENTRIES": 10_000},
        )
        self._unreachable_since = None

    def validate_key(self, key):
        """Nothing to check: Redis takes any key. (Django's check warns about memcached's
        limits, character by character, on every call.)"""

    @property
    def reachable(self):
        """False while this process carries on without Redis."""
        return self._unreachable_since is None

    def _shared_or_local(self, shared, local):
        """shared() while Redis answers, else local(); after an outage, Redis is asked
        again (a PING) once CACHE_RETRY_SECONDS have passed."""
        if self._unreachable_since is not None:
            if time.monotonic() - self._unreachable_since < settings.CACHE_RETRY_SECONDS:
                return local()
            try:
                self._cache.get_client(write=True).ping()
            except UNREACHABLE as error:
                self._unreachable(error)
                return local()
            self._reconnected()
        try:
            return shared()
        except UNREACHABLE as error:
            self._unreachable(error)
            return local()

    def _unreachable(self, error):
        if self._unreachable_since is None:
            logger.error(
                "Redis cannot be reached (%s): carrying on with this process's memory, "
                "asking again every %s s",
                error.__class__.__name__,
                settings.CACHE_RETRY_SECONDS,
            )
        self._unreachable_since = time.monotonic()

    def _reconnected(self):
        self._unreachable_since = None
        self._local.clear()
        logger.warning("Redis answers again: the shared cache is back in use")
        # Before the call that found Redis again: its receivers' writes come first.
        cache_reconnected.send(sender=self.__class__, cache=self)

    add = _shared_or_local_method("add")
    get = _shared_or_local_method("get")
    set = _shared_or_local_method("set")
    touch = _shared_or_local_method("touch")
    delete = _shared_or_local_method("delete")
    get_many = _shared_or_local_method("get_many")
    has_key = _shared_or_local_method("has_key")
    incr = _shared_or_local_method("incr")
    set_many = _shared_or_local_method("set_many")
    delete_many = _shared_or_local_method("delete_many")

    def clear(self):
        self._local.clear()
        return self._shared_or_local(super().clear, lambda: True)

    def incr_counters(self, keys_and_timeouts):
        """Count one for each (key, timeout in seconds); returns the new counts."""

        def shared():
            made = [(self.make_key(key), timeout) for key, timeout in keys_and_timeouts]
            return self._cache.incr_counters(made)

        return self._shared_or_local(shared, partial(self._local_incr, keys_and_timeouts))

    def decr_counters(self, keys):
        def local():
            for key in keys:
                if self._local.has_key(key):
                    self._local.decr(key)

        return self._shared_or_local(
            lambda: self._cache.decr_counters([self.make_key(key) for key in keys]), local
        )

    def _local_incr(self, keys_and_timeouts):
        counts = []
        for key, timeout in keys_and_timeouts:
            self._local.add(key, 0, timeout)
            try:
                counts.append(self._local.incr(key))
            except ValueError:  # expired between add and incr
                self._local.set(key, 1, timeout)
                counts.append(1)
        return counts
