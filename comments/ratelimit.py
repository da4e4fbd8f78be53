"""Fixed-window rate limits kept in Django's cache, so app servers sharing Redis share them."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def client_address_hash(request):
    """A keyed hash of the client's address: addresses are never kept in the clear."""
    address = request.META.get("REMOTE_ADDR", "")
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def hit(*, scope, identity, limit, window):
    """Count one action; True while the identity is within `limit` actions per `window` s."""
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{identity}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this is the window's first action.
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count <= limit
