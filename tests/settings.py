"""Test settings: the project's settings, with a test secret and fast password hashing."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from newsroom.settings import *  # noqa: E402, F403
from newsroom.settings import CACHES, DATABASES, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: browser tests and concurrency tests use other threads and
    # connections, and the health check test closes the connection.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3")
    }

if CACHES["default"]["BACKEND"] == "newsroom.cache.DiskCache":
    # Without Redis: a cache directory of this run's own, removed when it ends.
    CACHE_DIR = Path(tempfile.gettempdir()) / f"newsroom-test-cache-{os.getpid()}"
    CACHES = {"default": {**CACHES["default"], "LOCATION": str(CACHE_DIR)}}
    atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)

# One process: its own writes reach its copy at once. Tests of the bound lower it; here a
# slow machine must not turn a page served from the copy into one read again.
PAGE_CACHE_LOCAL_SECONDS = 60

# Uploaded pictures: a directory of this run's own, removed when it ends; served by Django,
# as under `make run`, for the browser tests' live server.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"newsroom-test-media-{os.getpid()}"
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
SERVE_MEDIA = True

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
