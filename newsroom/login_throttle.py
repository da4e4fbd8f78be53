"""Admin sign-in throttling, in Django's cache (shared by every process and app server).

Two counts of failed sign-ins, and what each does at its limit (LOGIN_FAILURE_LIMIT):
- per client address (an IPv6 /64, as newsroom.clients hashes it): the address is refused
  for LOGIN_FAILURE_WINDOW seconds. A guesser is stopped where it stands;
- per account, by the username as Django's sign-in form reads it (NFKC, then case-folded
  here: "ｅｄｉｔｏｒ" and "Editor" are "editor"): from the limit on, each further attempt
  waits a delay that doubles with each failure, up to LOGIN_MAX_DELAY seconds (the
  failures are remembered until a day passes without one). A
  stranger who knows a username can slow its owner down by that much at most, never
  lock them out; a guesser spread over many addresses gets one try per delay.
An attempt refused by a wait is not checked and not counted. A sign-in that succeeds
clears its account's failures.
"""

import hashlib
import math
import time
import unicodedata

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

from newsroom.clients import request_address_hash

ACCOUNT_MEMORY = 24 * 60 * 60
WAIT_MESSAGE = (
    "Too many failed sign-in attempts. Please wait {wait} before trying again, "
    "or ask an administrator to reset your password."
)


def account_key(username):
    """The account a username names, however it is typed."""
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    return "login-account:" + hashlib.sha256(name.encode()).hexdigest()[:32]


def address_key(request):
    return f"login-address:{request_address_hash(request) or 'unknown'}"


def seconds_to_wait(request, username):
    """How long this sign-in must wait before it is checked (0: not at all)."""
    now = time.time()
    address, account = address_key(request), account_key(username)
    seen = cache.get_many(
        [f"{address}:failures", f"{address}:first", f"{account}:failures", f"{account}:last"]
    )
    waits = [0]
    if seen.get(f"{address}:failures", 0) >= settings.LOGIN_FAILURE_LIMIT:
        first = seen.get(f"{address}:first", now)
        waits.append(first + settings.LOGIN_FAILURE_WINDOW - now)
    failures = seen.get(f"{account}:failures", 0)
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        delay = min(2 ** (failures - settings.LOGIN_FAILURE_LIMIT), settings.LOGIN_MAX_DELAY)
        waits.append(seen.get(f"{account}:last", now) + delay - now)
    return max(0, math.ceil(max(waits)))


def wait_message(seconds):
    if seconds < 90:
        wait = f"{seconds} second{'' if seconds == 1 else 's'}"
    else:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minutes"
    return WAIT_MESSAGE.format(wait=wait)


def _add_one(key, timeout):
    """One more under `key`, atomic across processes (the cache's add and incr)."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, timeout=timeout)
        return 1


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    now = time.time()
    address = address_key(request)
    cache.add(f"{address}:first", now, timeout=settings.LOGIN_FAILURE_WINDOW)
    _add_one(f"{address}:failures", settings.LOGIN_FAILURE_WINDOW)
    # An account's failures are remembered until a day without any.
    account = account_key(credentials.get("username", ""))
    _add_one(f"{account}:failures", ACCOUNT_MEMORY)
    cache.touch(f"{account}:failures", ACCOUNT_MEMORY)
    cache.set(f"{account}:last", now, timeout=ACCOUNT_MEMORY)


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    account = account_key(user.get_username())
    cache.delete_many([f"{account}:failures", f"{account}:last"])
