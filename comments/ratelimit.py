"""Fixed-window rate limits through Django's cache (Redis in production, shared by all
app servers; the local-memory cache otherwise)."""

import contextlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Exceeded:
    count: int
    seconds: int
    retry_after: int

    @property
    def window(self):
        return describe_seconds(self.seconds)


def describe_seconds(seconds):
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            n = seconds // size
            return f"a {unit}" if n == 1 and unit != "hour" else f"{n} {unit}{'s' * (n != 1)}"
    return f"{seconds} seconds"


def _incr(key, timeout):
    for _attempt in range(3):
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:
            continue  # the key expired between add and incr: start its window again
    raise RuntimeError(f"rate limit counter {key} could not be incremented")


def _count(keys_and_timeouts):
    """Count one for each key; the shared Redis cache does it in one round trip."""
    incr_counters = getattr(cache, "incr_counters", None)
    if incr_counters is not None:
        return incr_counters(keys_and_timeouts)
    return [_incr(key, timeout) for key, timeout in keys_and_timeouts]


def _uncount(keys):
    decr_counters = getattr(cache, "decr_counters", None)
    if decr_counters is not None:
        decr_counters(keys)
        return
    for key in keys:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to undo
            cache.decr(key)


def hit(*, scope, identities, limits):
    """Count one action for every identity; None if all are within every limit.

    Otherwise nothing is counted and the first limit exceeded is returned. Counting first
    and undoing on refusal keeps concurrent requests from slipping past a limit together.
    """
    return hit_each([(scope, identity, limits) for identity in identities])


def hit_each(checks):
    """As hit(), for (scope, identity, limits) checks, counted together (one round trip to
    Redis): None, or the first limit exceeded, nothing counted."""
    _keys, exceeded = _hit_each(checks)
    return exceeded


@contextlib.contextmanager
def counted_unless_refused(*, scope, identities, limits):
    """As hit(), for an action that may still be turned away once counted: yields None, or
    the first limit exceeded (nothing counted); if the block raises (a refusal, an error),
    the count is taken back, so that only what was done counts."""
    keys, exceeded = _hit_each([(scope, identity, limits) for identity in identities])
    if exceeded is not None:
        yield exceeded
        return
    try:
        yield None
    except BaseException:
        if keys:
            _uncount(keys)
        raise


def _hit_each(checks):
    """(the keys counted, None) or ([], the first limit exceeded)."""
    now = time.time()
    buckets = []
    for scope, identity, limits in checks:
        if not identity:
            continue
        for count, seconds in limits:
            bucket = int(now // seconds)
            key = f"ratelimit:{scope}:{identity}:{seconds}:{bucket}"
            buckets.append((key, seconds, count, bucket))
    if not buckets:
        return [], None
    keys = [key for key, _seconds, _limit, _bucket in buckets]
    counts = _count([(key, seconds) for key, seconds, _limit, _bucket in buckets])
    for (_key, seconds, count, bucket), counted in zip(buckets, counts, strict=True):
        if counted > count:
            _uncount(keys)
            retry_after = max(1, int((bucket + 1) * seconds - now))
            return [], Exceeded(count=count, seconds=seconds, retry_after=retry_after)
    return keys, None
