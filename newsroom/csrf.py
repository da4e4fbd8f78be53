"""Django's CSRF protection, made cheaper on the article page that every reader loads.

- get_token: django.middleware.csrf.get_token draws each character of the cookie's secret
  and of the token's mask with a system call of its own (64 for a first visit, more than
  the rest of a page served from the cache). This draws them in one read of the OS's
  source, makes the same tokens (a mask, then the secret enciphered with it), and sends
  the cookie only when it is new: a reader who has it keeps it.
- set_cookie sends the cookie as Django's CsrfViewMiddleware does (same attributes, same
  Vary), with what does not change from one response to the next worked out once.

Django's CsrfViewMiddleware checks every token, and sends the cookie of every other page.
"""

import os
import time
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware import csrf as django_csrf
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

CHARS = django_csrf.CSRF_ALLOWED_CHARS
LENGTH = django_csrf.CSRF_SECRET_LENGTH
# Bytes below this map onto CHARS evenly; the rest are dropped and drawn again.
_UNBIASED = 256 - 256 % len(CHARS)
_BYTE_TO_CHAR = bytes(ord(CHARS[byte % len(CHARS)]) for byte in range(256))
_BIASED_BYTES = bytes(range(_UNBIASED, 256))
# The token's characters: _ENCIPHER[secret char][mask char].
_INDEX = {char: index for index, char in enumerate(CHARS)}
_ENCIPHER = {
    char: {key: CHARS[(index + _INDEX[key]) % len(CHARS)] for key in CHARS}
    for char, index in _INDEX.items()
}


def random_string(length=LENGTH):
    """`length` characters drawn evenly from CHARS (one read of the OS's source, nearly
    always)."""
    drawn = b""
    while len(drawn) < length:
        drawn += os.urandom(length + 8).translate(_BYTE_TO_CHAR, _BIASED_BYTES)
    return drawn[:length].decode()


def mask(secret):
    """The token for `secret`: a random mask, then the secret enciphered with it."""
    key = random_string()
    return key + "".join([_ENCIPHER[char][k] for char, k in zip(secret, key, strict=True)])


def get_token(request):
    """The CSRF token for a form on this response (as django.middleware.csrf.get_token)."""
    if settings.CSRF_USE_SESSIONS:
        return django_csrf.get_token(request)
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_string()
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # send the new cookie
    return mask(secret)


def set_cookie(request, response):
    """Send the CSRF cookie if this request needs it, as CsrfViewMiddleware would (same
    attributes, same Vary), with what does not change between responses worked out once.
    The middleware then has nothing left to do."""
    if settings.CSRF_USE_SESSIONS or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return
    name = settings.CSRF_COOKIE_NAME
    response.cookies[name] = request.META["CSRF_COOKIE"]
    response.cookies[name].update(_cookie_attributes(int(time.time())))
    if "Cookie" not in response.get("Vary", ""):
        patch_vary_headers(response, ("Cookie",))
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


_attributes_made = {}


def _cookie_attributes(now):
    """The CSRF cookie's attributes as HttpResponse.set_cookie makes them, at `now`."""
    made = _attributes_made.get(now)
    if made is None:
        _attributes_made.clear()  # one second at a time
        made = _attributes_made[now] = {**_fixed_cookie_attributes()}
        if settings.CSRF_COOKIE_AGE is not None:
            made["expires"] = http_date(now + settings.CSRF_COOKIE_AGE)
    return made


@cache
def _fixed_cookie_attributes():
    attributes = {"path": settings.CSRF_COOKIE_PATH}
    if settings.CSRF_COOKIE_AGE is not None:
        attributes["max-age"] = int(settings.CSRF_COOKIE_AGE)
    if settings.CSRF_COOKIE_DOMAIN is not None:
        attributes["domain"] = settings.CSRF_COOKIE_DOMAIN
    if settings.CSRF_COOKIE_SECURE:
        attributes["secure"] = True
    if settings.CSRF_COOKIE_HTTPONLY:
        attributes["httponly"] = True
    if settings.CSRF_COOKIE_SAMESITE:
        attributes["samesite"] = settings.CSRF_COOKIE_SAMESITE
    return attributes


@receiver(setting_changed)
def _forget_cookie_attributes(*, setting, **kwargs):
    if setting.startswith("CSRF_COOKIE_"):
        _fixed_cookie_attributes.cache_clear()
        _attributes_made.clear()
