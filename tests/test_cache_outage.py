"""When Redis cannot be reached, the site carries on: pages, reactions, comments, rate
limits and the admin's sign-in throttle work from each process's own memory; Redis is
asked again every CACHE_RETRY_SECONDS; and once it answers, no page cached before the
outage is served stale.

The outages are real: a port that refuses connections, a port that accepts and never
answers, and a proxy in front of the real Redis that is cut and restored.
"""

import contextlib
import logging
import os
import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client

from articles import pagecache
from comments import services
from comments.models import Comment
from reactions.models import Reaction
from tests.commenting import APPROVED, PENDING, REJECTED, make_comment, post_comment
from tests.helpers import html, tap


def redis_cache(url, **options):
    return {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **options},
        }
    }


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once it is closed


class SilentServer:
    """A port that accepts connections and never answers (a Redis that hangs)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.sock.close()
        for connection in self.accepted:
            connection.close()


class CuttableProxy:
    """A TCP proxy to Redis whose line can be cut (every connection closed, new ones
    refused at once) and restored."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.open = True
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.open = False
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections = []

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.sock.close()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    pagecache.forget_local_copies()
    yield
    pagecache.forget_local_copies()


def test_pages_are_served_while_redis_is_down(redis_down, article, caplog):
    make_comment(article, body="Seen while Redis was down.")
    with caplog.at_level(logging.ERROR, logger="newsroom.cache"):
        for _ in range(3):
            front = Client().get("/")
            assert front.status_code == 200
            assert article.title in front.content.decode()
            page = Client().get(article.get_absolute_url())
            assert page.status_code == 200
            assert "Seen while Redis was down." in page.content.decode()
        assert Client().get("/healthz").status_code == 200
    records = caplog.get_records("setup") + caplog.get_records("call")
    outages = [record for record in records if record.name == "newsroom.cache"]
    assert len(outages) == 1  # logged once, not on every request
    assert "Redis cannot be reached" in outages[0].getMessage()


def test_reactions_and_comments_are_taken_while_redis_is_down(redis_down, article):
    reader = Client()
    response = tap(reader, article)
    assert response.status_code == 200
    assert response.json()["counts"]["joy"] == 1
    assert response.json()["mine"] == ["joy"]
    assert Reaction.objects.filter(article=article, key="joy").count() == 1

    response = post_comment(reader, article, body="Still here, Redis or not.")
    assert response.status_code == 303
    comment = Comment.objects.get(body="Still here, Redis or not.")
    assert comment.status == PENDING
    page = html(reader.get(response["Location"]))
    assert "Still here, Redis or not." in page.find(id=f"comment-{comment.pk}").get_text()


def test_rate_limits_still_hold_while_redis_is_down(redis_down, article, settings):
    settings.REACTION_RATE_LIMIT_PER_READER = 3
    reader = Client()
    for key in ("joy", "smile", "tada"):
        assert tap(reader, article, key).status_code == 200
    refused = tap(reader, article, "heart")
    assert refused.status_code == 429
    assert "Too many reactions" in refused.json()["error"]
    assert not Reaction.objects.filter(key="heart").exists()


def test_admin_sign_in_is_still_throttled_while_redis_is_down(redis_down, django_user_model):
    django_user_model.objects.create_user("ed", password="the-right-password", is_staff=True)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        client.post("/admin/login/", {"username": "ed", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "ed", "password": "the-right-password"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in html(response).find(role="alert").get_text()


def test_a_moderation_shows_at_once_while_redis_is_down(redis_down, article, moderator):
    comment = make_comment(article, status=PENDING, body="Waiting for a moderator.")
    assert "Waiting for a moderator." not in Client().get(article.get_absolute_url()).text
    services.approve(comment=comment, moderator=moderator)
    assert "Waiting for a moderator." in Client().get(article.get_absolute_url()).text


def test_what_other_processes_change_shows_within_the_bound_while_redis_is_down(
    redis_down, article, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.2
    comment = make_comment(article, status=APPROVED, body="Said before the change.")
    assert "Said before the change." in Client().get(article.get_absolute_url()).text
    # Another process removes it: its bump cannot reach this one while Redis is down.
    Comment._base_manager.filter(pk=comment.pk).update(status=REJECTED)
    time.sleep(0.3)  # past PAGE_CACHE_LOCAL_SECONDS
    assert "Said before the change." not in Client().get(article.get_absolute_url()).text


def test_a_hung_redis_is_asked_again_only_after_the_retry_window(article, settings):
    silent = SilentServer()
    try:
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{silent.port}/0")
        settings.CACHE_RETRY_SECONDS = 60
        pagecache.forget_local_copies()
        for _ in range(5):
            pagecache.forget_local_copies()
            assert Client().get(article.get_absolute_url()).status_code == 200
        # One connection, which timed out; the requests after it did not wait for Redis.
        assert len(silent.accepted) == 1
        settings.CACHE_RETRY_SECONDS = 0
        pagecache.forget_local_copies()
        assert Client().get(article.get_absolute_url()).status_code == 200
        # Past the window, Redis is asked again (by each of the request's cache reads).
        assert len(silent.accepted) >= 2
    finally:
        silent.close()
        pagecache.forget_local_copies()


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="cuts a real Redis off: run with REDIS_URL (Redis)"
)
def test_no_page_cached_before_an_outage_is_served_after_it(article, settings, moderator):
    from urllib.parse import urlsplit

    real = urlsplit(os.environ["REDIS_URL"])
    proxy = CuttableProxy(real.hostname, real.port or 6379)
    try:
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{proxy.port}{real.path or '/0'}")
        settings.CACHE_RETRY_SECONDS = 0
        cache.clear()
        pagecache.forget_local_copies()
        comment = make_comment(article, status=PENDING, body="Approved during the outage.")
        assert "Approved during the outage." not in Client().get(article.get_absolute_url()).text

        proxy.cut()
        services.approve(comment=comment, moderator=moderator)
        assert not cache.reachable
        assert "Approved during the outage." in Client().get(article.get_absolute_url()).text

        proxy.restore()
        pagecache.forget_local_copies()  # as another process, or a second later
        page = Client().get(article.get_absolute_url())
        assert cache.reachable
        assert "Approved during the outage." in page.text
    finally:
        proxy.close()
        cache.clear()
        pagecache.forget_local_copies()
