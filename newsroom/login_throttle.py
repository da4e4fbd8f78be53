"""Admin sign-in throttling: failures are counted per username and per client address in
Django's cache (shared by every app server through Redis); at the limit, sign-in is
refused for LOGIN_FAILURE_WINDOW seconds, whatever the password."""

import hashlib
import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

from newsroom.clients import request_address_hash

LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. Sign-in is blocked for 15 minutes: "
    "please wait, then try again, or ask an administrator to reset your password."
)


def _identities(request, username):
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"user:{name}", f"address:{request_address_hash(request)}"]


def is_locked(request, username):
    """True while the username or the address is locked out."""
    now = time.time()
    for identity in _identities(request, username):
        locked_until = cache.get(f"login-locked:{identity}")
        if locked_until is None:
            continue
        if locked_until > now:
            return True
        cache.delete_many([f"login-locked:{identity}", f"login-failures:{identity}"])
    return False


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    window = settings.LOGIN_FAILURE_WINDOW
    for identity in _identities(request, credentials.get("username", "")):
        key = f"login-failures:{identity}"
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=window)
            failures = 1
        if failures >= settings.LOGIN_FAILURE_LIMIT:
            # The lock's end is a time we compare, not only a cache expiry.
            cache.set(f"login-locked:{identity}", time.time() + window, timeout=window)
