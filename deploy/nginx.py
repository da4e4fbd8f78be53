"""Render deploy/nginx.conf, the nginx template, to a concrete config on standard output.

    python deploy/nginx.py --listen 127.0.0.1:8080 --upstream 127.0.0.1:8000 \\
        --static-root /srv/newsroom/staticfiles --media-root /srv/newsroom/media \\
        --cache-dir /var/cache/newsroom --prefix /var/lib/newsroom-nginx > nginx.conf
    nginx -c "$PWD/nginx.conf" -p /var/lib/newsroom-nginx -g 'daemon off;'

The prefix (it must exist) holds the pid file, the temporary files and, unless told
otherwise, the access log; nginx creates the cache directory (its parent must exist).
Plain Python, standard library only: no Django, no virtualenv needed.
"""

import argparse
import os
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().with_name("nginx.conf")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# What may go into a directive unquoted: no spaces, quotes, braces or semicolons.
UNSAFE = re.compile(r"[\s;{}\"'#$\\]")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--listen", required=True, help="address:port nginx listens on")
    parser.add_argument("--upstream", required=True, help="gunicorn's address:port")
    parser.add_argument("--static-root", required=True, help="STATIC_ROOT (collectstatic)")
    parser.add_argument("--media-root", required=True, help="MEDIA_ROOT (uploads)")
    parser.add_argument("--cache-dir", required=True, help="where nginx keeps cached pages")
    parser.add_argument("--prefix", required=True, help="nginx's -p: pid, temp files, logs")
    parser.add_argument("--pid", help="pid file (default: PREFIX/nginx.pid)")
    parser.add_argument("--error-log", default="stderr", help="error log (default: stderr)")
    parser.add_argument("--access-log", help="access log (default: PREFIX/access.log; off)")
    parser.add_argument(
        "--user",
        default="",
        help="user the workers run as when root starts nginx (production: www-data); "
        "default: none, so nginx's own (the user who starts it, or nobody for root)",
    )
    parser.add_argument("--server-name", default="_", help="server_name (default: _)")
    parser.add_argument("--worker-processes", default="auto", help="default: auto")
    parser.add_argument("--cache-max-size", default="1g", help="default: 1g")
    parser.add_argument(
        "--mime-types", default="/etc/nginx/mime.types", help="default: /etc/nginx/mime.types"
    )
    return parser.parse_args(argv)


def absolute(path):
    return os.path.abspath(os.path.expanduser(path))


def values(args):
    prefix = absolute(args.prefix)
    log = args.access_log or os.path.join(prefix, "access.log")
    return {
        "listen": args.listen,
        "upstream": args.upstream,
        "static_root": absolute(args.static_root).rstrip("/"),
        "media_root": absolute(args.media_root).rstrip("/"),
        "cache_dir": absolute(args.cache_dir),
        "prefix": prefix,
        "pid": absolute(args.pid) if args.pid else os.path.join(prefix, "nginx.pid"),
        "error_log": args.error_log if args.error_log == "stderr" else absolute(args.error_log),
        "access_log": log if log == "off" or log.startswith("/dev/") else absolute(log),
        "user": args.user,
        "server_name": args.server_name,
        "worker_processes": args.worker_processes,
        "cache_max_size": args.cache_max_size,
        "mime_types": absolute(args.mime_types),
    }


def render(template, context):
    for name, value in context.items():
        if UNSAFE.search(value):
            raise ValueError(f"{name}: {value!r} cannot go into nginx.conf as it is")
    if context["access_log"] == "off":
        template = re.sub(
            r"(?m)^(\s*)access_log \{\{access_log\}\}.*$", r"\1access_log off;", template
        )
    if not context["user"]:
        # No user directive: as a normal user nginx would only warn that it ignores it.
        template = re.sub(r"(?m)^user \{\{user\}\};\n", "", template)

    def fill(match):
        name = match.group(1)
        if name not in context:
            raise KeyError(f"the template names {name!r}, which nginx.py does not know")
        return context[name]

    return PLACEHOLDER.sub(fill, template)


def main(argv=None):
    args = parse_args(argv)
    try:
        config = render(TEMPLATE.read_text(), values(args))
    except (ValueError, KeyError) as error:
        sys.exit(f"nginx.py: {error}")
    sys.stdout.write(config)


if __name__ == "__main__":
    main()
