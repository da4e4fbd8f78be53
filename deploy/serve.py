"""Run the site on this machine as production runs it: nginx in front of gunicorn.

    python deploy/serve.py [--host 127.0.0.1] [--port 8080] [--app-port 8001]

`make serve` runs it with the virtualenv's Python. It collects the static files, migrates
the database (DATABASE_URL, else SQLite), then starts gunicorn (gunicorn.conf.py, DEBUG
off) and nginx (deploy/nginx.conf rendered by deploy/nginx.py) in the foreground; Ctrl-C
stops both. Standard library only.
"""

# It runs its own commands (manage.py, nginx.py, gunicorn, nginx) and asks its own server.
# ruff: noqa: S603, S310

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1", help="address nginx and gunicorn bind")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument("--app-port", type=int, default=8001, help="gunicorn's (default 8001)")
    return parser.parse_args(argv)


def environment(args):
    env = {**os.environ, "DEBUG": "off", "NUM_PROXIES": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
        print(
            "serve: SECRET_KEY is not set: using a throwaway one for this run. Sessions and "
            "reader cookies will not survive a restart; set SECRET_KEY to keep them.",
            file=sys.stderr,
        )
    site = f"http://{args.host}:{args.port}"
    # nginx passes the host without its port: absolute URLs and the admin's CSRF origin
    # check need to be told the site's address.
    env.setdefault("SITE_URL", site)
    env.setdefault("CSRF_TRUSTED_ORIGINS", env["SITE_URL"])
    env.setdefault("STATIC_ROOT", str(ROOT / "staticfiles"))
    env["GUNICORN_BIND"] = f"{args.host}:{args.app_port}"
    return env


def manage(env, *command):
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def wait_for(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(process, sig=signal.SIGTERM, timeout=35):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    args = parse_args(argv)
    # Ctrl-C, and a TERM from whatever started us, stop both servers (even where the shell
    # that started us ignores SIGINT, as it does for a background job).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    nginx = NGINX if os.access(NGINX, os.X_OK) else shutil.which("nginx")
    if not nginx:
        sys.exit("serve: nginx is missing. Install it: apt-get install nginx-light (Debian)")
    env = environment(args)
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "migrate", "--no-input", "-v0")

    prefix = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
    # The app writes pictures and share cards where nginx reads them.
    media = Path(env.setdefault("MEDIA_ROOT", str(ROOT / "media")))
    media.mkdir(parents=True, exist_ok=True)
    render = [
        sys.executable,
        str(ROOT / "deploy" / "nginx.py"),
        f"--listen={args.host}:{args.port}",
        f"--upstream={args.host}:{args.app_port}",
        f"--static-root={env['STATIC_ROOT']}",
        f"--media-root={media}",
        f"--cache-dir={prefix / 'cache'}",
        f"--prefix={prefix}",
        "--access-log=/dev/stdout",
    ]
    if os.geteuid() == 0:
        # Started by root, nginx's workers would be nobody, who cannot read a private
        # temporary directory: keep them root for this local run (production: www-data).
        render.append("--user=root")
    config = prefix / "nginx.conf"
    config.write_text(subprocess.run(render, check=True, capture_output=True, text=True).stdout)

    # Each in a session of its own: Ctrl-C reaches this script, which stops them in order.
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    processes = [gunicorn]
    try:
        if not wait_for(f"http://{env['GUNICORN_BIND']}/healthz", gunicorn):
            sys.exit("serve: gunicorn did not start (see above)")
        nginx_process = subprocess.Popen(
            [nginx, "-c", str(config), "-p", str(prefix), "-g", "daemon off;"],
            start_new_session=True,
        )
        processes.insert(0, nginx_process)
        print(
            f"serve: http://{args.host}:{args.port}/ (nginx) in front of gunicorn on "
            f"{env['GUNICORN_BIND']}, DEBUG off. Ctrl-C stops both.",
            file=sys.stderr,
        )
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        sys.exit(
            "serve: " + ("nginx" if nginx_process.poll() is not None else "gunicorn") + " stopped"
        )
    except KeyboardInterrupt:
        print("\nserve: stopping nginx and gunicorn", file=sys.stderr)
    finally:
        for process in processes:  # nginx first: no request reaches a stopping gunicorn
            stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


if __name__ == "__main__":
    main()
