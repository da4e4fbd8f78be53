"""What the cross-process cache tests run in processes of their own (started with spawn):
each opens the cache directory it is given, as a gunicorn worker or a manage.py command
opens CACHE_DIR. Nothing here needs Django's settings."""

import secrets
import time

from newsroom.cache import DiskCache


def open_cache(directory):
    return DiskCache(str(directory), {"OPTIONS": {"disk_min_file_size": 2**20}})


def log_actions(directory, logs, count, barrier, results):
    """Try `count` actions in `logs` at once with the other processes: how many were let
    through, and the names of those let through."""
    cache = open_cache(directory)
    barrier.wait()
    allowed = []
    for _ in range(count):
        action = f"{time.time()!r}:{secrets.token_hex(4)}"
        if cache.log_action(logs, now=time.time(), action=action) is None:
            allowed.append(action)
    results.put(allowed)


def log_and_take_back(directory, logs, count, barrier, results):
    """Record `count` actions and take every other one back, at once with the others."""
    cache = open_cache(directory)
    barrier.wait()
    kept = []
    for n in range(count):
        action = f"{time.time()!r}:{secrets.token_hex(4)}"
        assert cache.log_action(logs, now=time.time(), action=action) is None
        if n % 2:
            cache.remove_action(logs, action)
        else:
            kept.append(action)
    results.put(kept)


def count_failures(directory, key, count, barrier, results):
    """As newsroom.login_throttle counts a failed sign-in: add, then incr."""
    cache = open_cache(directory)
    barrier.wait()
    seen = []
    for _ in range(count):
        cache.add(key, 0, timeout=600)
        seen.append(cache.incr(key))
    results.put(seen)
