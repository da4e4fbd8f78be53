"""The site's URLs, and in front of them the floors that `make bench` compares with."""

from django.urls import path

from bench.floor.views import durable_write, floor
from newsroom import urls as site

urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("bench/durable-write", durable_write, name="bench_durable_write"),
    *site.urlpatterns,
]

# The site's error pages.
handler403 = site.handler403
handler500 = site.handler500
