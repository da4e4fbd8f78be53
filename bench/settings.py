"""Settings for `make bench`: the site's, with the floors' URLs (bench/urls.py) and the
table that the durable write floor writes to (the app bench.floor, migrated only here)."""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import INSTALLED_APPS

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]
