"""Absolute URLs of the site's pages, for everything that leaves the site, and the
origins it serves them at.

With SITE_URL set (production) every absolute URL is built on it, and the request's Host
plays no part in a page. Without it, they are built on the request's scheme and host,
and a page is cached per origin (articles.pagecache): so that no Host header a client
makes up costs a page of its own, the site is served only at the names ALLOWED_HOSTS
lists one by one, on the port the request reached the server at (or none, as a proxy
passes the name), and each origin is written one way (the name lower-cased, without a
final dot or the scheme's default port). A request for any other host is refused with a
400 (newsroom.middleware.ServedHostMiddleware).
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULT_PORTS = {"http": "80", "https": "443"}
# What Django lets in when DEBUG is on and ALLOWED_HOSTS is empty.
DEBUG_ALLOWED_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


class UnservedHost(DisallowedHost):
    """A host that ALLOWED_HOSTS lets in but the site is not served at, without SITE_URL:
    a port other than the server's, or a name only a wildcard lets in."""

    def __init__(self, host):
        self.host = host[:100]
        super().__init__(f"This site is not served at {self.host}.")


def absolute_url(request, path):
    """The absolute URL of `path` (which starts with "/"), on origin(request).

    Canonical links, og:url, share links, JSON-LD, feeds, the sitemap and robots.txt all
    build their URLs here, so they always agree.
    """
    return origin(request) + path


def origin(request):
    """What absolute URLs are built on: SITE_URL when it is set; else the request's scheme
    and host, written one way. Raises DisallowedHost (a 400) for a host that ALLOWED_HOSTS
    does not allow, UnservedHost for one the site is not served at."""
    if settings.SITE_URL:
        return settings.SITE_URL
    meta = request.META
    seen = (
        request.scheme,
        meta.get("HTTP_HOST"),
        meta.get("HTTP_X_FORWARDED_HOST"),
        meta.get("SERVER_NAME"),
        meta.get("SERVER_PORT"),
        meta.get("HTTP_X_FORWARDED_PORT"),
    )
    found = _origins_seen.get(seen)
    if found is None:
        found = f"{request.scheme}://{_served_host(request)}"  # refusals are not kept
        if len(_origins_seen) >= MAX_ORIGINS_SEEN:
            _origins_seen.clear()
        _origins_seen[seen] = found
    return found


def _served_host(request):
    host = request.get_host()  # checked against ALLOWED_HOSTS
    name, port = _split_host(host)
    if port and port != request.get_port():
        raise UnservedHost(host)
    name = name.lower().removesuffix(".")
    if name not in _listed_names():
        raise UnservedHost(host)
    if port and port != DEFAULT_PORTS.get(request.scheme):
        return f"{name}:{port}"
    return name


def _split_host(host):
    """(name, port) of a host that Django has checked: "name", "name:port", "[v6]",
    "[v6]:port"."""
    if host.endswith("]"):
        return host, ""
    name, colon, port = host.rpartition(":")
    return (name, port) if colon else (host, "")


def _listed_names():
    """The names ALLOWED_HOSTS lists one by one; ".example.org" lists example.org."""
    hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not hosts:
        hosts = DEBUG_ALLOWED_HOSTS
    return {host.lower().removeprefix(".") for host in hosts}


# Origins already worked out from the request's scheme and host headers (a handful in
# practice; made-up ones are refused, not kept).
_origins_seen = {}
MAX_ORIGINS_SEEN = 64


@receiver(setting_changed)
def _forget_origins(*, setting, **kwargs):
    if setting in (
        "ALLOWED_HOSTS",
        "DEBUG",
        "SITE_URL",
        "USE_X_FORWARDED_HOST",
        "USE_X_FORWARDED_PORT",
        "SECURE_PROXY_SSL_HEADER",
    ):
        _origins_seen.clear()
