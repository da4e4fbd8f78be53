"""The site's URLs and, only under bench/ceilings_site.py, the ceilings' views."""

from django.urls import path

from bench import ceilings_views as views
from newsroom.urls import handler500
from newsroom.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]

urlpatterns = [
    path("bench/post-floor", views.post_floor),
    path("bench/toggle-write-behind/<slug:slug>/", views.toggle_write_behind),
    path("bench/comment-write-behind/<slug:slug>/", views.comment_write_behind),
    path("bench/comment-minimal/<slug:slug>/", views.comment_minimal),
    *site_urlpatterns,
]
