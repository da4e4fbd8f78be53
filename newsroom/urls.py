from django.contrib import admin
from django.urls import include, path

from newsroom import views

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("reactions.urls")),
    path("", include("comments.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]

handler403 = "newsroom.views.forbidden"
handler500 = "newsroom.views.server_error"
