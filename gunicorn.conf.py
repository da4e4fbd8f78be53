"""gunicorn's settings for production and for `make bench`, from the environment.

gunicorn reads this file from the directory it starts in:
    gunicorn newsroom.wsgi
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core is a good start; each answers one request at a time (sync) or
# GUNICORN_THREADS at a time (gthread, for slow clients without a buffering proxy).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer is cut off and its worker restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are recycled now and then, so that a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# The application is loaded once, before the workers fork: they share its memory.
preload_app = True
# Behind a reverse proxy that logs requests; errors still go to standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

# Trust in forwarded headers, set explicitly (gunicorn's defaults trust 127.0.0.1, so any
# local proxy). gunicorn trusts no peer: it never takes the scheme from X-Forwarded-Proto,
# X-Forwarded-Ssl or X-Forwarded-Protocol, nor SCRIPT_NAME or PATH_INFO from a header.
# The app reads what it trusts itself: the client address from X-Forwarded-For
# (NUM_PROXIES), the scheme from X-Forwarded-Proto (Django's SECURE_PROXY_SSL_HEADER, with
# TRUST_X_FORWARDED_PROTO=on). A unix socket counts as trusted whatever this says, so the
# two maps are emptied as well.
forwarded_allow_ips = ""
secure_scheme_headers = {}
forwarder_headers = ""
# Any other request header with an underscore is dropped (never mapped onto the environ key
# of its dashed twin). nginx drops them before they get here (deploy/nginx.conf).
header_map = "drop"
# gunicorn has no setting for its "Server: gunicorn" header; nginx replaces it with its
# own ("nginx", without a version: server_tokens off).
