"""Who a reader is: the user when logged in, otherwise a long random id in a signed cookie
(readers react and comment without an account).

A request without the cookie that reacts, comments or reports makes a new reader. One
that drops the cookie makes a new one each time, and so would escape every per-reader
limit: new_reader_checks() counts them per client address, at NEW_READER_RATE_LIMITS,
tighter than what the readers an address already has may do (reactions; comments and
reports are bounded per network in comments.services).
"""

import re
import secrets

from django.conf import settings
from django.core import signing

from newsroom import ratelimit

READER_COOKIE_SALT = "newsroom.reader"
READER_ID_PATTERN = re.compile(r"[0-9a-f]{48}")


def reader_id_from_request(request):
    """The reader's id, or None for a reader who has never reacted or commented."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return reader_id_from_cookie(request)  # no session: nobody is logged in
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user-{user.pk}"
    return reader_id_from_cookie(request)


def reader_id_from_cookie(request):
    """The anonymous reader's id from their cookie alone (no session, no user), or None."""
    try:
        value = request.get_signed_cookie(
            settings.READER_COOKIE_NAME, default=None, salt=READER_COOKIE_SALT
        )
    except signing.BadSignature:
        return None
    if value is None or not READER_ID_PATTERN.fullmatch(value):
        return None
    return value


def new_reader_id():
    return secrets.token_hex(24)


NEW_READERS_SCOPE = "new-readers"
NEW_READERS_MESSAGE = (
    "Too many people new to this site have reacted, commented or reported from your "
    "network just now: please try again {wait}. If your browser does not keep this "
    "site's cookies, allow them: without one, each thing you do counts as a new reader's."
)


def new_reader_checks(request):
    """The rate-limit checks (newsroom.ratelimit.hit_each) of a request that makes a new
    reader: one more of the client address's budget of new readers (NEW_READER_RATE_LIMITS;
    an IPv6 client's /64, /56 and /48 as ratelimit.address_checks counts them)."""
    return ratelimit.address_checks(NEW_READERS_SCOPE, request, settings.NEW_READER_RATE_LIMITS)


def new_readers_message(exceeded):
    """What to tell a reader refused by new_reader_checks(), with how long to wait; None
    when `exceeded` is another limit."""
    if exceeded.scope.split(":", 1)[0] != NEW_READERS_SCOPE:
        return None
    return NEW_READERS_MESSAGE.format(wait=exceeded.wait)


def remember_reader(response, reader_id):
    """Set the reader cookie, if the reader is anonymous."""
    if reader_id.startswith("user-"):
        return
    response.set_signed_cookie(
        settings.READER_COOKIE_NAME,
        reader_id,
        salt=READER_COOKIE_SALT,
        max_age=settings.READER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
