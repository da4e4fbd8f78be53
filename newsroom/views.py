from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
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
def robots_txt(request):
    """Crawl everything public; not the admin nor the search results; here is the map."""
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


@require_safe
def bench_floor(request):
    """The benchmark's floor: a fixed short answer through the same middleware as every
    page, touching neither the database nor the cache. Off unless BENCH_FLOOR is set."""
    if not settings.BENCH_FLOOR:
        raise Http404("Not enabled.")
    return HttpResponse(b"floor\n", content_type="text/plain")
