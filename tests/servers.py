"""Real servers for the tests that need them: gunicorn running the app the way production
does, and a TCP proxy in front of PostgreSQL that a test can cut and restore."""

import contextlib
import os
import random
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
TEST_SECRET_KEY = "gunicorn-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def free_port():
    """A free port below the kernel's ephemeral range (32768 up), where no outgoing
    connection of this machine can take it between this check and the server's bind."""
    for port in random.sample(range(20000, 32000), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port from 20000 to 32000")


def database_url(settings_dict=None, *, port=None):
    """The test database (or `settings_dict`'s), as a server started by a test reaches it;
    through `port` (a proxy) if given."""
    db = settings_dict or connection.settings_dict
    credentials = urllib.parse.quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    host = f"{db.get('HOST') or '127.0.0.1'}:{port or db.get('PORT') or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def wait_until_up(process, base, log=None):
    """Wait until the server at `base` answers /healthz with 200; fail the test if it
    stops or takes longer than 30 s (with the end of its `log` file, if given)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server {base} stopped{_end_of(log)}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server {base} did not answer{_end_of(log)}")


def _end_of(log):
    return f":\n{log.read_text()[-3000:]}" if log else ""


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """For a urllib opener that shows a redirect as it is instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def server_environment(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="off",
        SECRET_KEY=TEST_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="ERROR",
    )
    env.update(overrides)
    return env


def collect_static(static_root):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=server_environment(STATIC_ROOT=str(static_root)),
        check=True,
    )


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextlib.contextmanager
def gunicorn(*, env, workers=2, threads=4, log_path=None):
    """Serve the app on a free port with gunicorn; yields its base URL."""
    port = free_port()
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while get(f"{base_url}/robots.txt", timeout=1) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class TcpProxy:
    """Forwards a local port to PostgreSQL; stop() refuses connections and cuts live ones,
    start() serves again on the same port."""

    def __init__(self, target_port, port=None):
        self.target = ("127.0.0.1", int(target_port))
        self.port = port or free_port()
        self.listener = None
        self.connections = []
        self.lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        listener, self.listener = self.listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            connections, self.connections = self.connections, []
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        sockets = [a, b]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()
