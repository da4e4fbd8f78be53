"""Django's RedisCache, made cheaper per call, plus counters in one round trip.

Django's client builds a new redis.Redis object for every cache call, which costs more
than the call itself on a page served from the cache; here each process keeps one per
connection pool (redis.Redis is thread-safe, and its pool starts afresh after a fork).
"""

from django.core.cache.backends import redis as django_redis


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
        """Add one to each counter, starting it (with its timeout) if missing: one round
        trip, and a second only to set the timeouts of counters just started."""
        client = self.get_client(write=True)
        with client.pipeline(transaction=False) as pipe:
            for key, _timeout in keys_and_timeouts:
                pipe.incr(key)
            counts = pipe.execute()
        started = [
            (key, timeout)
            for (key, timeout), count in zip(keys_and_timeouts, counts, strict=True)
            if count == 1
        ]
        if started:
            with client.pipeline(transaction=False) as pipe:
                for key, timeout in started:
                    pipe.expire(key, timeout)
                pipe.execute()
        return counts

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

    def incr_counters(self, keys_and_timeouts):
        """Count one for each (key, timeout in seconds); returns the new counts."""
        made = [(self.make_and_validate_key(key), timeout) for key, timeout in keys_and_timeouts]
        return self._cache.incr_counters(made)

    def decr_counters(self, keys):
        self._cache.decr_counters([self.make_and_validate_key(key) for key in keys])
