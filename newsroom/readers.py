"""Who a reader is: the user when logged in, otherwise a long random id in a signed cookie
(readers react and comment without an account)."""

import re
import secrets

from django.conf import settings
from django.core import signing

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
