"""Absolute URLs of the site's pages, for everything that leaves the site."""

from django.conf import settings


def absolute_url(request, path):
    """The absolute URL of `path` (which starts with "/"): under SITE_URL when it is set,
    else on the request's scheme and host.

    Canonical links, og:url, share links, JSON-LD, feeds, the sitemap and robots.txt all
    build their URLs here, so they always agree.
    """
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)
