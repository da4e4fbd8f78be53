"""Newsroom settings: one module, read from the environment (see .env.example)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Unset or empty (as .env.example has it): a key for development only.
    SECRET_KEY = env.str("SECRET_KEY", default="") or "django-insecure-development-only-key"
else:
    SECRET_KEY = env.str("SECRET_KEY")
if not SECRET_KEY.strip():
    # Django would start, then answer every request with a 500.
    raise ImproperlyConfigured("SECRET_KEY is empty: set it to a long random value.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with the newsroom's site (newsroom/admin.py).
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "articles",
    "reactions",
    "comments",
    "pages",
]

MIDDLEWARE = [
    "newsroom.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Without SITE_URL: only the hosts and the port the site is served at (newsroom/site.py).
    "newsroom.middleware.ServedHostMiddleware",
    # Sees the cookies that the middleware below it sets.
    "newsroom.middleware.SharedCachePolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "articles.context_processors.sections",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if POSTGRESQL:
    # Django's, replacing a kept connection that the server closed without a query to
    # find out (newsroom/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "newsroom.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# Check a kept connection with a query before each request reuses it (costs that query).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
# PostgreSQL: a pool of connections per app server process (psycopg's pool, through
# Django's OPTIONS["pool"]). 0 turns it off: then CONN_MAX_AGE decides.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
if DATABASE_POOL_MAX_SIZE and POSTGRESQL:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
if POSTGRESQL and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Parameters bound by the server, and the statements a connection runs often prepared
    # (planned once): the pages' queries cost less than their planning otherwise. Turn off
    # behind a pooler that cannot follow prepared statements (PgBouncer in transaction
    # mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# Without an answer from Redis within REDIS_TIMEOUT seconds, a process carries on with
# its own memory and asks Redis again after CACHE_RETRY_SECONDS (newsroom/cache.py).
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
# Without REDIS_URL: the directory of the cache that the machine's processes share.
CACHE_DIR = Path(env.str("CACHE_DIR", default=str(BASE_DIR / ".cache")))
if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="newsroom"),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    # One cache on local disk that every process on the machine shares: gunicorn's
    # workers, runserver and manage.py commands (diskcache's SQLite files; see
    # newsroom/cache.py and docs/decisions/cross-process-cache.md).
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.DiskCache",
            "LOCATION": str(CACHE_DIR),
            # Values up to 1 MB (page parts) in the SQLite files, not a file each.
            "OPTIONS": {"disk_min_file_size": 2**20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded pictures and what is made from them (articles/images.py): on local disk by
# default, served by nginx in production and by Django where SERVE_MEDIA is on (DEBUG).
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
# An S3-compatible store instead (django-storages, `pip install -e '.[s3]'`): the bucket,
# and where it is (its endpoint for a store other than AWS, the region, the public host
# that serves it). Credentials as boto3 reads them (AWS_ACCESS_KEY_ID…, or a role).
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("MEDIA_S3_PREFIX", default="media"),
            # Public pictures with plain URLs: the same in every cached page.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Uploads: the most a picture may weigh, and its most pixels (decoding takes 4 bytes
# each). Files are streamed to disk past FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); the 256 KB
# DATA_UPLOAD_MAX_MEMORY_SIZE below counts a request's fields, not its files. nginx takes
# request bodies up to 16 MB for /admin/ only (deploy/nginx.conf).
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=50_000_000)
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SITE_NAME = env.str("SITE_NAME", default="Newsroom")

# The site's public address, e.g. https://news.example.org: canonical links, og:url,
# share links, feeds, the sitemap and robots.txt build absolute URLs on it. Unset: they
# are built from each request's scheme and host.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SITE_URL must start with https:// or http://")
if not SITE_URL and any(host == "*" or host.startswith(".") for host in ALLOWED_HOSTS):
    # Each name it lets in would be an origin, and a cached page, of its own.
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS has a wildcard (* or .domain): set SITE_URL to the site's address, "
        "or list the host names one by one."
    )

# The reaction bar: (key, emoji, label), in the order the bar shows them.
REACTIONS = [
    ("smile", "😊", "Smile"),
    ("joy", "😂", "Joy"),
    ("heart_eyes", "😍", "Love it"),
    ("thumbs_up", "👍", "Thumbs up"),
    ("tada", "🎉", "Celebrate"),
    ("hundred", "💯", "Hundred"),
    ("cry", "😢", "Sad"),
    ("sunglasses", "😎", "Cool"),
    ("heart", "❤️", "Heart"),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "newsroom.middleware.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "format": (
                "%(asctime)s %(levelname)s %(name)s "
                "request_id=%(request_id)s path=%(request_path)s %(message)s"
            )
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Security. HTTPS=on in production (behind TLS): secure cookies, HSTS, redirect to https.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
# Preloading is for ever, near enough: a deliberate choice, never a default (Django's
# deploy check, which asks for it, is silenced while it is off).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Django's token check is for the admin and signed-in users; the reader endpoints are
# checked by the browser's Sec-Fetch-Site and Origin headers (newsroom/crossorigin.py).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "newsroom.views.forbidden"
MEDIA_ORIGIN = (
    " " + "/".join(MEDIA_URL.split("/", 3)[:3]) if MEDIA_URL.startswith("https://") else ""
)
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Pictures from an S3-compatible store are served from its own address.
        f"img-src 'self'{MEDIA_ORIGIN}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "clipboard-write=(self)",
    ]
)
# Request bodies: no form of ours comes near these; anything bigger is refused with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
# Admin sign-in (newsroom/login_throttle.py): after this many failures within the window
# (seconds), an address is refused until the window has passed; an account's further
# attempts wait a delay that doubles with each failure, up to LOGIN_MAX_DELAY seconds.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
LOGIN_MAX_DELAY = env.int("LOGIN_MAX_DELAY", default=60)
# Comments' email addresses and address hashes are kept this many days.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)

# Cached pages (articles/pagecache.py). An article page's parts are dropped as soon as a
# write that changes them commits; these are upper bounds on how long anything cached is
# used at all (relative comment times, and writes made outside the app).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# The front page and section pages: their comment and reaction counts may be this old;
# publications and edits show at once.
LIST_CACHE_SECONDS = env.int("LIST_CACHE_SECONDS", default=5)
# A request without a reader cookie may be served from what this process read from the
# cache up to this long ago (0: never): others' writes reach it that much later.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=1.0)
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=16 * 1024 * 1024)
# Pages for readers without cookies are public: a shared cache (nginx, a CDN) may keep
# them this long (s-maxage), then serve them stale while it asks again for this long
# more (stale-while-revalidate), and for this long while the site fails (stale-if-error).
# With PAGE_CACHE_LOCAL_SECONDS, what bounds how old a page a reader gets can be
# (docs/architecture.md, "Staleness").
HTTP_SHARED_MAX_AGE = env.int("HTTP_SHARED_MAX_AGE", default=1)
HTTP_STALE_WHILE_REVALIDATE = env.int("HTTP_STALE_WHILE_REVALIDATE", default=1)
HTTP_STALE_IF_ERROR = env.int("HTTP_STALE_IF_ERROR", default=300)

READER_COOKIE_NAME = "reader"
READER_COOKIE_AGE = 60 * 60 * 24 * 365 * 2

# Reaction toggles allowed per window (seconds), per reader and per client address.
REACTION_RATE_LIMIT_PER_READER = env.int("REACTION_RATE_LIMIT_PER_READER", default=60)
REACTION_RATE_LIMIT_PER_ADDRESS = env.int("REACTION_RATE_LIMIT_PER_ADDRESS", default=60)
REACTION_RATE_WINDOW = env.int("REACTION_RATE_WINDOW", default=60)
# Comments: automatic moderation, reports, rate limits and the comment list.
# A comment with more links than this waits for a moderator, even on post-moderated articles.
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
# Reports that send an approved comment back to the moderation queue: people, counted by
# network (one network is one person at most), a reader new to the site half of one.
COMMENTS_REPORT_THRESHOLD = env.int("COMMENTS_REPORT_THRESHOLD", default=3)
# A reader is established once a comment of theirs approved is this old (seconds).
COMMENTS_ESTABLISHED_AFTER = env.int("COMMENTS_ESTABLISHED_AFTER", default=86400)
# Approved comments (and none rejected) after which a reader's comments skip
# pre-moderation; 0: never.
COMMENTS_TRUSTED_AFTER = env.int("COMMENTS_TRUSTED_AFTER", default=0)


# Comments accepted per reader and per client address: "count/seconds" windows.
def rate_limits(name, default):
    """[(count, seconds), …] from "count/seconds" windows in the environment variable."""
    return [
        tuple(int(part) for part in limit.split("/", 1))
        for limit in env.list(name, default=default)
    ]


COMMENTS_RATE_LIMITS = rate_limits("COMMENTS_RATE_LIMITS", ["5/600", "50/86400"])
# Past COMMENTS_RATE_LIMITS, an address's further comments (other readers on a shared
# network) are held for a moderator; past this many times those limits, refused.
COMMENTS_ADDRESS_HOLD_FACTOR = env.int("COMMENTS_ADDRESS_HOLD_FACTOR", default=4)
# Reports accepted per reader and per client address, the same way.
COMMENTS_REPORT_RATE_LIMITS = rate_limits("COMMENTS_REPORT_RATE_LIMITS", ["10/600", "100/86400"])
# Readers new to the site (no reader cookie yet: their first reaction, comment or report
# makes one) per client address: a client that drops its cookie is a new reader each time.
NEW_READER_RATE_LIMITS = rate_limits("NEW_READER_RATE_LIMITS", ["10/60", "60/3600"])
# Surge mode (comments.surges): a post-moderated article past this many comments, or
# reports, in a minute switches itself to pre-moderation for COMMENTS_SURGE_CALM_MINUTES
# (0: never).
COMMENTS_SURGE_COMMENTS_PER_MINUTE = env.int("COMMENTS_SURGE_COMMENTS_PER_MINUTE", default=30)
COMMENTS_SURGE_REPORTS_PER_MINUTE = env.int("COMMENTS_SURGE_REPORTS_PER_MINUTE", default=10)
COMMENTS_SURGE_CALM_MINUTES = env.int("COMMENTS_SURGE_CALM_MINUTES", default=30)
# Top-level threads per page of the comment list.
COMMENTS_PAGE_SIZE = env.int("COMMENTS_PAGE_SIZE", default=50)
# Client addresses are kept only as an HMAC under this key (rotating it forgets them).
ADDRESS_HASH_KEY = env.str("ADDRESS_HASH_KEY", default="") or SECRET_KEY
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# The sitemap and the feeds are kept whole this long (articles/publiccache.py), by the app
# and any shared cache together: publications and edits show in them within it.
SITEMAP_CACHE_SECONDS = env.int("SITEMAP_CACHE_SECONDS", default=300)
FEED_CACHE_SECONDS = env.int("FEED_CACHE_SECONDS", default=60)
