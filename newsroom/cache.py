"""The site's two caches: Redis where REDIS_URL is set, else one on local disk that every
process on the machine shares.

Redis. Django's RedisCache, plus rate-limit logs checked and written in one round trip
(a Lua script, run by a redis.Redis client of our own: Django's cache client offers no
public way to run one), and a site that carries on when Redis cannot be reached.

When a call cannot reach Redis (refused, or no answer within the socket timeout), the
process logs it once and carries on with a cache of its own in local memory, and asks
Redis again only after CACHE_RETRY_SECONDS: pages are rendered from the database and
kept by the process for PAGE_CACHE_LOCAL_SECONDS (see articles.pagecache), and rate
limits count per process. When Redis answers again, the process drops its local cache
and sends `cache_reconnected`, so that nothing it wrote only locally (a page generation
bumped by a moderation) leaves a stale page in Redis.

Local disk (DiskCache). diskcache's Django cache: SQLite files in CACHE_DIR, which
gunicorn's workers, the development server and manage.py commands all open, so they
share page generations, cached parts, rate limits and the sign-in throttle as app
servers share Redis. Its add and incr are atomic across processes; the rate-limit logs
are checked and written in one SQLite transaction (docs/decisions/cross-process-cache.md).
"""

import hashlib
import logging
import re
import threading
import time
from functools import partial

import redis
from diskcache import DjangoCache
from django.conf import settings
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache
from django.dispatch import Signal

logger = logging.getLogger("newsroom.cache")

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Sent when a process that carried on without Redis reaches it again.
cache_reconnected = Signal()

# Rate limits: a log of each identity's recent actions (a sorted set of their times), so
# that "at most N in W seconds" holds for any W seconds, not per clock window. KEYS: one
# log per identity; ARGV: now, the action's name, then for each key the number of its
# limits and, for each, the actions allowed and the window in seconds. Either records the
# action in every log and returns nil, or records nothing and returns the first limit
# reached (key and limit numbers, from 1) and the seconds until it frees up.
LOG_ACTION = """
local now, action = tonumber(ARGV[1]), ARGV[2]
local at, longest = 3, {}
for k, key in ipairs(KEYS) do
  longest[k] = 0
  for l = 1, tonumber(ARGV[at]) do
    local allowed, seconds = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
    at = at + 2
    longest[k] = math.max(longest[k], seconds)
    local since = "(" .. tostring(now - seconds)
    local count = redis.call("ZCOUNT", key, since, "+inf")
    if count >= allowed then
      local frees = redis.call(
        "ZRANGEBYSCORE", key, since, "+inf", "WITHSCORES", "LIMIT", count - allowed, 1
      )
      return {k, l, tostring(tonumber(frees[2]) + seconds - now)}
    end
  end
  at = at + 1
end
for k, key in ipairs(KEYS) do
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - longest[k])
  redis.call("ZADD", key, now, action)
  redis.call("EXPIRE", key, math.ceil(longest[k]))
end
return false
"""
LOG_ACTION_SHA1 = hashlib.sha1(LOG_ACTION.encode()).hexdigest()  # noqa: S324 (Redis names scripts so)

_local_logs_lock = threading.Lock()


def log_action_in(cache, logs, *, now, action):
    """As the LOG_ACTION script, in a cache of this process's own (the local-memory cache;
    RedisCache's while Redis is away): (log number, limit number, seconds) from 0, or None.
    `logs`: (key, [(actions allowed, window in seconds), ...])."""
    with _local_logs_lock:
        entries = [cache.get(key) or [] for key, _limits in logs]
        for log_number, ((_key, limits), log) in enumerate(zip(logs, entries, strict=True)):
            for limit_number, (allowed, seconds) in enumerate(limits):
                recent = sorted(at for at, _name in log if at > now - seconds)
                if len(recent) >= allowed:
                    return log_number, limit_number, recent[len(recent) - allowed] + seconds - now
        for (key, limits), log in zip(logs, entries, strict=True):
            longest = max(seconds for _allowed, seconds in limits)
            kept = [(at, name) for at, name in log if at > now - longest]
            cache.set(key, [*kept, (now, action)], longest)
    return None


def remove_action_from(cache, logs, action):
    """As RedisCache.remove_action, in a cache of this process's own."""
    with _local_logs_lock:
        for key, limits in logs:
            log = cache.get(key)
            if log:
                longest = max(seconds for _allowed, seconds in limits)
                cache.set(key, [entry for entry in log if entry[1] != action], longest)


def log_action_in_redis(client, logs, *, now, action):
    """The LOG_ACTION script: one round trip, atomic (called by its digest; loaded again
    if Redis lost it). `logs`: (key, [(actions allowed, window in seconds), ...])."""
    arguments = [LOG_ACTION_SHA1, len(logs), *(key for key, _limits in logs), repr(now), action]
    for _key, limits in logs:
        arguments.append(len(limits))
        for allowed, seconds in limits:
            arguments += [allowed, seconds]
    try:
        refused = client.evalsha(*arguments)
    except redis.exceptions.NoScriptError:
        client.script_load(LOG_ACTION)
        refused = client.evalsha(*arguments)
    if refused is None:
        return None
    log_number, limit_number, seconds = refused
    return log_number - 1, limit_number - 1, float(seconds)


def remove_action_from_redis(client, keys, action):
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.zrem(key, action)
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
        # The rate-limit scripts' own client (Django's cache client offers no public way to
        # run a script): the first server of LOCATION (the writer), the same options.
        servers = re.split("[;,]", server) if isinstance(server, str) else server
        self._scripts = redis.Redis.from_url(servers[0], **params.get("OPTIONS", {}))
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
                self._scripts.ping()
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

    def log_action(self, logs, *, now, action):
        """Record `action` at `now` in each log unless one of its limits is reached: None,
        or the first limit reached (log number, limit number, seconds until it frees up).
        `logs`: (key, [(actions allowed, window in seconds), ...])."""

        def shared():
            made = [(self.make_key(key), limits) for key, limits in logs]
            return log_action_in_redis(self._scripts, made, now=now, action=action)

        return self._shared_or_local(
            shared, partial(log_action_in, self._local, logs, now=now, action=action)
        )

    def remove_action(self, logs, action):
        """Take `action` back out of each log (an action refused after it was counted)."""
        return self._shared_or_local(
            lambda: remove_action_from_redis(
                self._scripts, [self.make_key(key) for key, _ in logs], action
            ),
            partial(remove_action_from, self._local, logs, action),
        )


# DiskCache keeps the rate-limit logs in a diskcache.Cache of their own (a subdirectory of
# CACHE_DIR), whose transactions lock only the logs.
RATE_LIMIT_LOGS = "rate-limit-logs"


class _LogStore:
    """A diskcache.Cache with the get and set that log_action_in calls."""

    def __init__(self, logs):
        self._logs = logs

    def get(self, key):
        return self._logs.get(key, retry=True)

    def set(self, key, value, timeout):
        self._logs.set(key, value, expire=timeout, retry=True)


class DiskCache(DjangoCache):
    """diskcache's Django cache, shared by every process that opens its directory (the
    LOCATION, CACHE_DIR), with rate-limit logs that are atomic across those processes."""

    def get(self, key, default=None, version=None, **kwargs):
        """As DjangoCache.get, but a read that meets a writer's lock waits for it instead
        of answering `default` (a sign-in lock or a page generation missed)."""
        kwargs.setdefault("retry", True)
        return super().get(key, default, version, **kwargs)

    def _log_store(self):
        return self.cache(RATE_LIMIT_LOGS)

    def log_action(self, logs, *, now, action):
        """As RedisCache.log_action: None, or the first limit reached (log number, limit
        number, seconds until it frees up), checked and recorded in one transaction that
        holds the logs' write lock, so that no other process or thread slips in between.
        `logs`: (key, [(actions allowed, window in seconds), ...])."""
        store = self._log_store()
        made = [(self.make_key(key), limits) for key, limits in logs]
        with store.transact(retry=True):
            return log_action_in(_LogStore(store), made, now=now, action=action)

    def remove_action(self, logs, action):
        """Take `action` back out of each log (an action refused after it was counted)."""
        store = self._log_store()
        made = [(self.make_key(key), limits) for key, limits in logs]
        with store.transact(retry=True):
            remove_action_from(_LogStore(store), made, action)

    def clear(self):
        super().clear()
        self._log_store().clear(retry=True)
        return True
