"""Cross-site forgery protection for the reader endpoints, by what the browser says.

Readers post reactions, comments and reports from a page that shared caches keep for
everyone, so their forms carry no per-reader token. Instead, every browser that another
site's page could drive tells where a request comes from, and that is checked (the
decision table of Go's net/http.CrossOriginProtection):

| Sec-Fetch-Site           | Origin                          | answer |
| ------------------------ | ------------------------------- | ------ |
| same-origin, none        | (not read)                      | allow  |
| cross-site, same-site, … | a trusted origin                | allow  |
| cross-site, same-site, … | anything else, or none          | 403    |
| (absent)                 | the site's own, or trusted      | allow  |
| (absent)                 | another, or "null"              | 403    |
| (absent)                 | (absent)                        | allow  |

A request with neither header is not from a browser that another site's page can drive.

The site's own origin is SITE_URL when set, else the request's scheme and host (checked
against ALLOWED_HOSTS); trusted origins are CSRF_TRUSTED_ORIGINS. Safe methods are
never refused. Signed-in users also keep Django's token check (their pages carry one).
See docs/decisions/reader-forgery-protection.md.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_callable
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from newsroom import site

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
REASON_CROSS_SITE = "The request came from another site (Sec-Fetch-Site: {value})."
REASON_FOREIGN_ORIGIN = "The request came from another site (Origin: {value})."


def own_origin(request):
    """The origin pages of this site are served from (newsroom.site.origin, without
    SITE_URL's path), or None for a host the site is not served at."""
    try:
        parts = urlsplit(site.origin(request))
    except (DisallowedHost, site.UnservedHost):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def is_trusted(origin):
    """Whether `origin` is listed in CSRF_TRUSTED_ORIGINS (exactly, or as *.domain)."""
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" not in trusted:
            if origin == trusted:
                return True
            continue
        scheme, _, pattern = trusted.partition("://")
        origin_scheme, _, origin_host = origin.partition("://")
        if origin_scheme == scheme and is_same_domain(origin_host, pattern.lstrip("*")):
            return True
    return False


def cross_origin_refusal(request):
    """Why this request must be refused as coming from another site, or None."""
    if request.method in SAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is not None:
        if fetch_site in ("same-origin", "none"):
            return None
        if origin and is_trusted(origin):
            return None
        return REASON_CROSS_SITE.format(value=fetch_site[:40])
    if origin is None:
        return None
    if origin == own_origin(request) or is_trusted(origin):
        return None
    return REASON_FOREIGN_ORIGIN.format(value=origin[:80])


def cross_origin_protected(view):
    """Protect a reader endpoint by the browser's headers instead of a CSRF token; a
    signed-in user's post also needs Django's token, as everywhere else on the site."""
    token_checked = csrf_protect(view)

    @wraps(view)
    def checked(request, *args, **kwargs):
        reason = cross_origin_refusal(request)
        if reason is not None:
            return get_callable(settings.CSRF_FAILURE_VIEW)(request, reason=reason)
        if request.user.is_authenticated:
            return token_checked(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
