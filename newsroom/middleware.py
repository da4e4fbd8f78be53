"""Project-wide middleware: request ids for the logs, security headers, the hosts the site
is served at, calm database faults, and no shared caching of one reader's responses."""

import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, cc_delim_re, patch_cache_control

from newsroom import site
from newsroom.responses import wants_json

logger = logging.getLogger("newsroom.faults")
hosts_logger = logging.getLogger("newsroom.hosts")

current_request = contextvars.ContextVar("current_request", default=None)
INCOMING_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Give every request an id (or keep a proxy's X-Request-ID), echo it in the response,
    and make it and the path available to every log line written while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if INCOMING_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        request = getattr(record, "request", None) or current_request.get()
        record.request_id = getattr(request, "id", "-")
        record.request_path = getattr(request, "path", "-")
        return True


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ServedHostMiddleware:
    """A request for a host the site is not served at (newsroom.site: without SITE_URL, a
    port other than the server's, a name only a wildcard lets in) gets a 400 that says so,
    before any view: no made-up Host header costs a page of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SITE_URL:
            try:
                site.origin(request)
            except site.UnservedHost as refusal:
                return _unserved_host(request, refusal)
        return self.get_response(request)


def _unserved_host(request, refusal):
    hosts_logger.warning("refused %s: set SITE_URL to serve the site there", refusal.host)
    message = f"{refusal} Open it at its own address."
    if wants_json(request):
        response = JsonResponse({"error": message}, status=400)
    else:
        # Rendered without the request: nothing of it is read for a host we do not serve.
        response = HttpResponse(
            render_to_string("400.html", {"reason": message, "site_name": settings.SITE_NAME}),
            status=400,
        )
    add_never_cache_headers(response)
    return response


UNAVAILABLE_MESSAGE = (
    "We'll be right back: the site can't reach its database for a moment. "
    "Nothing you sent was saved — please try again in a minute."
)


class DatabaseUnavailableMiddleware:
    """A database that refuses connections gives a short 503 page, never a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", exception.__class__.__name__, exc_info=True)
        if "application/json" in request.headers.get("Accept", ""):
            response = JsonResponse({"error": UNAVAILABLE_MESSAGE}, status=503)
        else:
            # Rendered without the request: no context processor may touch the database.
            body = render_to_string("503.html", {"request_id": getattr(request, "id", "")})
            response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


SHARED_ONLY = ("public", "s-maxage")


class SharedCachePolicyMiddleware:
    """A response that sets a cookie is one reader's: no shared cache (CDN, reverse proxy)
    may keep it, whatever the view said (a reader's first reaction sets their cookie; a
    signed-in user's page, Django's CSRF cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.cookies and not _is_private(response.get("Cache-Control", "")):
            make_private(response)
        return response


def _is_private(cache_control):
    return "private" in cache_control and not any(word in cache_control for word in SHARED_ONLY)


def make_private(response):
    """Mark the response private, dropping what allowed shared caches to keep it."""
    if response.has_header("Cache-Control"):
        directives = [
            directive
            for directive in cc_delim_re.split(response["Cache-Control"].strip())
            if directive and directive.split("=")[0].strip().lower() not in SHARED_ONLY
        ]
        response["Cache-Control"] = ", ".join(directives)
    patch_cache_control(response, private=True)
