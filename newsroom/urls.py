from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from newsroom import views

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("reactions.urls")),
    path("", include("comments.urls")),
    path("", include("pages.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]


def media(request, path):
    """Uploaded pictures under `make run` (DEBUG); nginx serves them in production."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", media, name="media")]

handler403 = "newsroom.views.forbidden"
handler500 = "newsroom.views.server_error"
