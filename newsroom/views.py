from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from newsroom.site import absolute_url


@require_safe
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_safe
@cache_control(public=True, max_age=0, s_maxage=60 * 60)
def robots_txt(request):
    """Crawl everything public; not the admin nor the search results; here is the map.
    The same for everyone: a shared cache may keep it an hour (it changes only with a
    release or SITE_URL)."""
    sitemap_url = absolute_url(request, reverse("articles:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def forbidden(request, exception=None, reason=""):
    """The 403 page: a refused cross-site post (CSRF_FAILURE_VIEW) or a refused request."""
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": reason or "This request was not accepted."}, status=403)
    else:
        response = render(request, "403.html", {"reason": reason}, status=403)
    add_never_cache_headers(response)
    return response


def server_error(request):
    """The 500 page: no database, no context processors; the request id for the operator."""
    body = render_to_string("500.html", {"request_id": getattr(request, "id", "")})
    return HttpResponse(body, status=500)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin's)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
