"""The site's URLs plus one view that fails, to see the 500 page a reader would get."""

from django.urls import path

from newsroom.urls import handler500  # noqa: F401 - the site's 500 view, here too
from newsroom.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("secret internal detail: the database password is hunter2")


urlpatterns = [*site_urlpatterns, path("broken/", broken_view)]
