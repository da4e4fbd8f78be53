"""Django's CSRF get_token, with its random strings drawn in one read of the OS's source.

django.middleware.csrf.get_token draws each character of the cookie's secret and of the
token's mask with a system call of its own: 64 for a first visit, more than the rest of a
page served from the cache. This makes the same tokens (a mask, then the secret enciphered
with it), sets the same request.META flags for CsrfViewMiddleware to send the cookie, and
is checked by Django's own middleware.
"""

import secrets

from django.conf import settings
from django.middleware import csrf as django_csrf

CHARS = django_csrf.CSRF_ALLOWED_CHARS
LENGTH = django_csrf.CSRF_SECRET_LENGTH
_INDEX = {char: index for index, char in enumerate(CHARS)}
# Random bytes below this map onto CHARS evenly (bytes from it up are drawn again).
_UNBIASED = 256 - 256 % len(CHARS)


def random_string(length=LENGTH):
    chars = []
    while len(chars) < length:
        chars += [
            CHARS[byte % len(CHARS)] for byte in secrets.token_bytes(length + 8) if byte < _UNBIASED
        ]
    return "".join(chars[:length])


def get_token(request):
    """The CSRF token for a form on this response (as django.middleware.csrf.get_token)."""
    if settings.CSRF_USE_SESSIONS:
        return django_csrf.get_token(request)
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_string()
    # Send the cookie with the response: new, or renewed.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_string()
    cipher = "".join(
        CHARS[(_INDEX[char] + _INDEX[key]) % len(CHARS)]
        for char, key in zip(secret, mask, strict=True)
    )
    return mask + cipher
