"""Rate limits through Django's cache (Redis in production, shared by all app servers;
the local-memory cache otherwise): at most N actions in any W seconds, from a log of each
identity's recent actions (not per clock window, which would let 2N through around the
turn of one)."""

import contextlib
import math
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache

from newsroom.cache import log_action_in, remove_action_from
from newsroom.clients import request_address_hashes

# An IPv6 holder's /56 may do this many times what its /64 may, and its /48 as many times
# more: rotating through a wider network buys little.
WIDER_NETWORK_FACTOR = 4


@dataclass(frozen=True)
class Exceeded:
    count: int
    seconds: int
    retry_after: int
    scope: str = ""

    @property
    def window(self):
        return describe_seconds(self.seconds)

    @property
    def wait(self):
        """How long until the action is allowed again, for a message: "in 7 minutes"."""
        return f"in {describe_wait(self.retry_after)}"


def describe_seconds(seconds):
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            n = seconds // size
            return f"a {unit}" if n == 1 and unit != "hour" else f"{n} {unit}{'s' * (n != 1)}"
    return f"{seconds} seconds"


def describe_wait(seconds):
    """A wait, rounded up to what a reader can act on: "40 seconds", "7 minutes", "2 hours"."""
    for size, unit in ((3600, "hour"), (60, "minute")):
        if seconds > size or (unit == "minute" and seconds == size):
            n = math.ceil(seconds / size)
            return f"{n} {unit}{'s' * (n != 1)}"
    return f"{seconds} second{'s' * (seconds != 1)}"


def _log(logs, *, now, action):
    """Record the action in each log unless a limit is reached; the shared Redis cache
    does it in one round trip, atomically."""
    log_action = getattr(cache, "log_action", None)
    if log_action is not None:
        return log_action(logs, now=now, action=action)
    return log_action_in(cache, logs, now=now, action=action)


def _unlog(logs, action):
    remove_action = getattr(cache, "remove_action", None)
    if remove_action is not None:
        remove_action(logs, action)
    else:
        remove_action_from(cache, logs, action)


def hit(*, scope, identities, limits):
    """Count one action for every identity; None if all are within every limit.

    Otherwise nothing is counted and the first limit exceeded is returned. The check and
    the count are one step, so that concurrent requests cannot slip past a limit together.
    """
    return hit_each([(scope, identity, limits) for identity in identities])


def hit_each(checks):
    """As hit(), for (scope, identity, limits) checks, counted together (one round trip to
    Redis): None, or the first limit exceeded, nothing counted."""
    _logs, _action, exceeded = _hit_each(checks)
    return exceeded


@contextlib.contextmanager
def counted_unless_refused(checks):
    """As hit_each(), for an action that may still be turned away once counted: yields
    None, or the first limit exceeded (nothing counted); if the block raises (a refusal,
    an error), the count is taken back, so that only what was done counts."""
    logs, action, exceeded = _hit_each(checks)
    if exceeded is not None:
        yield exceeded
        return
    try:
        yield None
    except BaseException:
        if logs:
            _unlog(logs, action)
        raise


def address_checks(scope, request, limits):
    """(scope, identity, limits) checks of the client's address at every level it is
    counted at (newsroom.clients.address_hashes): an IPv4 address; an IPv6 /64, /56 and
    /48, each wider network allowed WIDER_NETWORK_FACTOR times more."""
    return network_checks(scope, request_address_hashes(request), limits)


def network_checks(scope, address_hashes, limits):
    """As address_checks(), from the address's hashes (newsroom.clients.address_hashes)."""
    return [
        (
            f"{scope}:{level}" if level else scope,
            digest,
            [(count * WIDER_NETWORK_FACTOR**level, seconds) for count, seconds in limits],
        )
        for level, digest in enumerate(address_hashes)
    ]


def _hit_each(checks):
    """(the logs, the action recorded in them, None), or ([], None, the first limit
    exceeded). A log: (its key, its limits)."""
    now = time.time()
    checks = [(scope, identity, limits) for scope, identity, limits in checks if identity]
    logs = [(f"ratelimit:{scope}:{identity}", limits) for scope, identity, limits in checks]
    if not logs:
        return [], None, None
    action = f"{now!r}:{secrets.token_hex(4)}"
    refused = _log(logs, now=now, action=action)
    if refused is not None:
        log_number, limit_number, seconds_left = refused
        count, seconds = logs[log_number][1][limit_number]
        exceeded = Exceeded(
            count=count,
            seconds=seconds,
            retry_after=max(1, math.ceil(seconds_left)),
            scope=checks[log_number][0],
        )
        return [], None, exceeded
    return logs, action, None
