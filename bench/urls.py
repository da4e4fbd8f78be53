"""The site's URLs, and in front of them the floors that `make bench` compares with."""

from django.urls import path

from bench.floor.views import durable_write, floor
from newsroom import urls as site

urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("bench/durable-write", durable_write, name="bench_durable_write"),
    *site.urlpatterns,
]

# The site's error pages (None: Django's own).
handler400 = getattr(site, "handler400", None)
handler403 = getattr(site, "handler403", None)
handler404 = getattr(site, "handler404", None)
handler500 = getattr(site, "handler500", None)
