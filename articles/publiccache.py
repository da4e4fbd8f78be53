"""Responses that are the same for everyone, kept whole for a bounded time: the sitemap
and the feeds.

Each is rendered once, kept in Django's cache (shared by every process) for `timeout`
seconds, and served from there with `Cache-Control: public, max-age=0, s-maxage=…`, an
ETag and a Last-Modified (the time it was rendered), so that a crawler or a feed reader
that asks again gets a 304. No write drops them: a change (a publication, an edit, an
unpublication, a scheduled article whose time comes, even a write made in SQL) shows
once the copy expires. The s-maxage is what is left of the copy's `timeout`, so a shared
cache in front (nginx, a CDN) never keeps it longer: `timeout` bounds the staleness end
to end, not twice over.

The cache key is the page's absolute URL without its query (the origin, as in every
link of the document, the script prefix and the path) and what the view passes as
`variant` (a sitemap's page number, already checked): a query parameter that does not
change the document (`utm_*`, a cache buster) neither renders it again nor adds a copy.
"""

import hashlib
import math
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsroom.site import absolute_url

# Headers of the rendered response that are kept with its bytes.
KEPT_HEADERS = ("Content-Type", "X-Robots-Tag")


def _digest(*parts):
    digest = hashlib.blake2b(digest_size=12)
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


def cached_response(request, *, name, timeout, render, variant=()):
    """The response `render()` makes for `request`, from the cache while it is less than
    `timeout` seconds old. Only a 200 is kept; anything else is returned as it is."""
    key = f"public:{name}:{_digest(absolute_url(request, request.path), *variant)}"
    entry = cache.get(key)
    now = time.time()
    if entry is None or now - entry["rendered_at"] >= timeout:
        response = render()
        if response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        entry = {
            "content": response.content,
            "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
            "rendered_at": now,
            "etag": f'W/"{_digest(response.content)}"',
        }
        cache.set(key, entry, timeout)
    response = HttpResponse(entry["content"], headers=entry["headers"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["rendered_at"])
    left = max(0, math.floor(entry["rendered_at"] + timeout - now))
    patch_cache_control(response, public=True, max_age=0, s_maxage=left)
    return (
        get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["rendered_at"]),
            response=response,
        )
        or response
    )
