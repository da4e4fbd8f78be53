"""Project-wide middleware: request ids for the logs, security headers, calm database
faults, and no shared caching of one reader's responses."""

import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import cc_delim_re, patch_cache_control

logger = logging.getLogger("newsroom.faults")

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
