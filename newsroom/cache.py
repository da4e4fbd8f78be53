"""Django's RedisCache, made cheaper per call, plus counters in one round trip.

Django's client builds a new redis.Redis object for every cache call, which costs more
than the call itself on a page served from the cache; here each process keeps one per
connection pool (redis.Redis is thread-safe, and its pool starts afresh after a fork).
"""

import hashlib

import redis
from django.core.cache.backends import redis as django_redis

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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Nothing to check: Redis takes any key. (Django's check warns about memcached's
        limits, character by character, on every call.)"""

    def incr_counters(self, keys_and_timeouts):
        """Count one for each (key, timeout in seconds); returns the new counts."""
        made = [(self.make_key(key), timeout) for key, timeout in keys_and_timeouts]
        return self._cache.incr_counters(made)

    def decr_counters(self, keys):
        self._cache.decr_counters([self.make_key(key) for key in keys])
