"""nginx in front of gunicorn, as production runs them: deploy/nginx.conf rendered by
deploy/nginx.py, gunicorn with gunicorn.conf.py (two sync workers, DEBUG off), on the test
database and the tests' Redis.

Checked over HTTP through nginx: readers without cookies are answered from nginx's cache;
a reader's own state reaches that reader alone; a moderation, an edit and a reaction show
within the stated bound; posts go through and forged cross-site posts are refused; a
SCRIPT_NAME header changes nothing; slow clients do not hold the workers; static files.

Runs on the PostgreSQL and Redis pass. Without nginx it skips, except where REQUIRE_NGINX=1
or REQUIRE_BROWSER=1 (CI) is set: there it fails.
"""

import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from comments.models import Comment
from tests.helpers import make_article, shown_within
from tests.servers import NoRedirects, database_url, free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
# The staleness bound through nginx: its s-maxage (1 s, counted in whole seconds), the
# app servers' copy of the shared cache (PAGE_CACHE_LOCAL_SECONDS, 1 s) and the refresh.
BOUND = 3.0
SLACK = 0.5  # a request's own time, and the polling step


def _why_skipped():
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "nginx in front of gunicorn: run with DATABASE_URL on PostgreSQL"
    if not os.environ.get("REDIS_URL"):
        return "nginx in front of gunicorn: run with REDIS_URL (Redis)"
    return None


pytestmark = [
    pytest.mark.skipif(_why_skipped() is not None, reason=_why_skipped() or ""),
    pytest.mark.django_db(transaction=True),
]


def require_nginx():
    if os.access(NGINX, os.X_OK):
        return
    reason = f"{NGINX} is missing: install Debian's nginx-light package"
    if os.environ.get("REQUIRE_NGINX") or os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


class Stack:
    def __init__(self, nginx, gunicorn, access_log):
        self.nginx = nginx  # base URLs
        self.gunicorn = gunicorn
        self.access_log = access_log

    def reached_gunicorn(self, path):
        """How many requests for path reached gunicorn (its access log)."""
        text = self.access_log.read_text() if self.access_log.exists() else ""
        return sum(
            f'"GET {path} ' in line or f'"HEAD {path} ' in line for line in text.splitlines()
        )


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn (gunicorn.conf.py, two workers) and nginx in front of it."""
    require_nginx()
    work = tmp_path_factory.mktemp("nginx")
    static_root, media_root, prefix = work / "static", work / "media", work / "prefix"
    for directory in (static_root, media_root, prefix):
        directory.mkdir()
    app_port, nginx_port = free_port(), free_port()
    access_log = work / "gunicorn-access.log"
    with django_db_blocker.unblock():
        env = {
            **os.environ,
            "DEBUG": "off",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "DATABASE_POOL_MAX_SIZE": "2",
            "REDIS_URL": os.environ["REDIS_URL"],
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(media_root),
            "PAGE_CACHE_LOCAL_SECONDS": "1",
            "NUM_PROXIES": "1",
            # Every reader here comes from 127.0.0.1: keep the address limits out of the way.
            "REACTION_RATE_LIMIT_PER_ADDRESS": "10000",
            "COMMENTS_RATE_LIMITS": "10000/600",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_BIND": f"127.0.0.1:{app_port}",
            "GUNICORN_ACCESS_LOG": str(access_log),
            "LOG_LEVEL": "ERROR",
        }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    render = [
        sys.executable,
        str(ROOT / "deploy" / "nginx.py"),
        "--listen",
        f"127.0.0.1:{nginx_port}",
        "--upstream",
        f"127.0.0.1:{app_port}",
        "--static-root",
        str(static_root),
        "--media-root",
        str(media_root),
        "--cache-dir",
        str(work / "cache"),
        "--prefix",
        str(prefix),
        "--error-log",
        str(work / "nginx-error.log"),
        "--worker-processes",
        "2",
    ]
    if os.geteuid() == 0:
        render += ["--user", "root"]  # nobody could not read pytest's private directories
    config = work / "nginx.conf"
    config.write_text(subprocess.run(render, check=True, capture_output=True, text=True).stdout)

    started = []
    try:
        for name, command in (
            ("gunicorn", [sys.executable, "-m", "gunicorn", "newsroom.wsgi"]),
            ("nginx", [NGINX, "-c", str(config), "-p", str(prefix), "-g", "daemon off;"]),
        ):
            log = open(work / f"{name}.log", "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            started.append((process, log))
            port = app_port if name == "gunicorn" else nginx_port
            wait_until_up(process, f"http://127.0.0.1:{port}", work / f"{name}.log")
        stack = Stack(f"http://127.0.0.1:{nginx_port}", f"http://127.0.0.1:{app_port}", access_log)
        stack.media_root = media_root
        yield stack
    finally:
        for process, log in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, 15)
                process.wait(timeout=35)
            log.close()
        shutil.rmtree(work, ignore_errors=True)


class Answer:
    def __init__(self, status, headers, raw):
        self.status, self.headers, self.raw = status, headers, raw
        self.body = raw.decode("utf-8", "replace")

    @property
    def cache(self):
        return self.headers.get("X-Cache-Status", "")

    def page(self):
        assert self.status == 200, (self.status, self.body[:500])
        return BeautifulSoup(self.body, "html.parser")


class Reader:
    """One browser: its cookies; no token, since reader pages carry none."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)

    def request(self, url, data=None, headers=()):
        if data is not None:
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=data, headers=dict(headers))
        try:
            with self.opener.open(request, timeout=10) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def get(self, url, headers=()):
        return self.request(url, headers=headers)

    def post(self, url, data, *, site="same-origin", headers=()):
        return self.request(url, data, {"Sec-Fetch-Site": site, **dict(headers)})


def pressed(page):
    """The reaction bar's pressed buttons, by key."""
    return {
        button["value"]
        for button in page.select("#reactions button.reaction")
        if button["aria-pressed"] == "true"
    }


def counts(page):
    return {
        button["value"]: int(button["data-count"])
        for button in page.select("#reactions button.reaction")
    }


def within_bound(check, what):
    """Poll until check() holds; fail if it took longer than the stated bound."""
    return shown_within(BOUND + SLACK, check, what)


def test_readers_without_cookies_are_answered_from_the_cache(stack):
    article = make_article(title="Read by many", slug="read-by-many")
    for path in ("/", article.get_absolute_url()):
        answers = [Reader().get(stack.nginx + path) for _ in range(10)]
        assert all(answer.status == 200 for answer in answers), path
        assert "Set-Cookie" not in answers[0].headers, path
        assert "public" in answers[0].headers["Cache-Control"], path
        assert answers[-1].cache in ("HIT", "UPDATING", "STALE", "REVALIDATED"), (
            path,
            [answer.cache for answer in answers],
        )
        # The first request (and at most a refresh a second) reached gunicorn, not ten.
        assert stack.reached_gunicorn(path) <= 3, path
        assert len({answer.body for answer in answers}) == 1, path


def test_a_readers_own_reaction_reaches_that_reader_alone(stack):
    article = make_article(title="Hearts", slug="hearts")
    url = stack.nginx + article.get_absolute_url()
    alice, bob, anonymous = Reader(), Reader(), Reader()
    assert alice.get(url).page()  # the page is in nginx's cache now
    assert alice.cookie("reader") is None

    answer = alice.post(url + "reactions/", {"emoji": "heart"})
    assert answer.status == 303, answer.body[:500]
    assert alice.cookie("reader"), "the reader cookie comes with the first write"
    mine = alice.get(url)
    assert mine.cache in ("BYPASS", ""), "a reader with a cookie never gets the cached page"
    assert "private" in mine.headers["Cache-Control"]
    assert pressed(mine.page()) == {"heart"}

    assert bob.post(url + "reactions/", {"emoji": "smile"}).status == 303
    assert bob.cookie("reader") and bob.cookie("reader") != alice.cookie("reader")
    assert pressed(bob.get(url).page()) == {"smile"}
    for _ in range(5):
        assert pressed(anonymous.get(url).page()) == set()
        assert pressed(bob.get(url).page()) == {"smile"}
        assert pressed(alice.get(url).page()) == {"heart"}
    assert anonymous.cookie("reader") is None


def test_changes_show_through_the_proxy_within_the_bound(stack):
    article = make_article(title="Before the edit", slug="changing-story")
    pending = Comment.objects.create(article=article, name="Ann", body="A pending comment.")
    url = stack.nginx + article.get_absolute_url()
    anonymous, reacting = Reader(), Reader()
    page = anonymous.get(url).page()
    assert pending.body not in page.get_text()
    assert anonymous.get(url).cache == "HIT"

    # A moderation, through the ORM as a management command or the shell would make it.
    pending.status = Comment.Status.APPROVED
    pending.save()
    within_bound(lambda: pending.body in anonymous.get(url).page().get_text(), "an approval")

    # An edit.
    article.title = "After the edit"
    article.save()
    within_bound(
        lambda: anonymous.get(url).page().find("h1").get_text(strip=True) == "After the edit",
        "an edited title",
    )

    # A reaction, by another reader through nginx.
    before = counts(anonymous.get(url).page())["tada"]
    assert reacting.post(url + "reactions/", {"emoji": "tada"}).status == 303
    within_bound(lambda: counts(anonymous.get(url).page())["tada"] == before + 1, "a reaction")


def test_posts_go_through_and_forged_cross_site_posts_are_refused(stack):
    article = make_article(title="Comments welcome", slug="comments-welcome")
    url = stack.nginx + article.get_absolute_url()
    reader = Reader()
    answer = reader.post(url + "comments/", {"name": "Ann", "body": "Through nginx."})
    assert answer.status == 303, answer.body[:500]
    assert Comment.objects.filter(article=article, body="Through nginx.").exists()

    # A client cannot choose the address the app sees (nginx sets X-Forwarded-For itself).
    for n, spoofed in enumerate(("203.0.113.9", "198.51.100.7")):
        answer = Reader().post(
            url + "comments/",
            {"name": "Mallory", "body": f"Spoofed {n}."},
            headers={"X-Forwarded-For": spoofed},
        )
        assert answer.status == 303
    hashes = {c.address_hash for c in Comment.objects.filter(body__startswith="Spoofed")}
    assert hashes == {Comment.objects.get(body="Through nginx.").address_hash} and "" not in hashes

    forger = Reader()
    for path, data in (
        ("comments/", {"name": "Eve", "body": "Forged."}),
        ("reactions/", {"emoji": "heart"}),
    ):
        answer = forger.post(
            url + path, data, site="cross-site", headers={"Origin": "https://evil.example"}
        )
        assert answer.status == 403, (path, answer.status)
    assert not Comment.objects.filter(body="Forged.").exists()
    assert counts(Reader().get(url).page()).get("heart") == 0


def test_a_script_name_header_changes_no_url(stack):
    article = make_article(title="One address", slug="one-address")
    path = article.get_absolute_url()

    def urls_of(answer):
        page = answer.page()
        canonical = urllib.parse.urlsplit(page.find("link", rel="canonical")["href"])
        actions = [form.get("action", "") for form in page.find_all("form")]
        return canonical, actions

    for base in (stack.nginx, stack.gunicorn):
        for headers in ({"SCRIPT_NAME": "/x"}, {}):
            canonical, actions = urls_of(Reader().get(base + path, headers=headers))
            assert canonical.path == path, (base, headers)
            assert [a for a in actions if a.startswith("/x")] == [], (base, headers)
        # Nor does a path under the would-be prefix reach the app as a page.
        assert Reader().get(base + "/x" + path, headers={"SCRIPT_NAME": "/x"}).status == 404

    # gunicorn takes the scheme from no header (Django does, with TRUST_X_FORWARDED_PROTO).
    for headers in (
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Protocol": "ssl"},
    ):
        canonical, _ = urls_of(Reader().get(stack.gunicorn + path, headers=headers))
        assert canonical.scheme == "http", headers


def test_server_headers_name_no_version_and_no_app_server(stack):
    answer = Reader().get(stack.nginx + "/")
    assert answer.headers["Server"] == "nginx"


def test_the_health_check_is_never_cached(stack):
    before = stack.reached_gunicorn("/healthz")
    answers = [Reader().get(stack.nginx + "/healthz") for _ in range(3)]
    assert [answer.status for answer in answers] == [200] * 3
    assert all(answer.cache == "" for answer in answers)
    time.sleep(0.2)
    assert stack.reached_gunicorn("/healthz") == before + 3


def test_static_files_come_from_nginx_for_a_year_compressed(stack):
    page = Reader().get(stack.nginx + "/").page()
    href = next(
        link["href"]
        for link in page.find_all("link", rel="stylesheet")
        if "/static/" in link["href"]
    )
    path = urllib.parse.urlsplit(href).path
    answer = Reader().get(stack.nginx + path, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"  # whitenoise's .gz, gzip_static
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert stack.reached_gunicorn(path) == 0


def test_pictures_come_from_nginx_for_a_year_and_run_nothing(stack):
    article = make_article(title="Shared widely", slug="shared-widely")
    page = Reader().get(stack.nginx + article.get_absolute_url()).page()
    card = page.find("meta", property="og:image")["content"]
    path = urllib.parse.urlsplit(card).path  # the share card gunicorn drew into MEDIA_ROOT
    answer = Reader().get(stack.nginx + path)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    assert answer.raw.startswith(b"\x89PNG")
    assert stack.reached_gunicorn(path) == 0
    # A name that says nothing of its content: a day.
    other = Path(stack.media_root) / "notes.txt"
    other.write_text("not hashed")
    assert Reader().get(stack.nginx + "/media/notes.txt").headers["Cache-Control"] == (
        "public, max-age=86400"
    )


def test_only_the_admin_takes_large_request_bodies(stack):
    """A picture of up to 15 MB goes to the admin; anywhere else a body over 1 MB is 413."""
    body = b"x" * (3 * 1024 * 1024)
    for path, refused in (("/admin/login/", False), ("/articles/anything/comments/", True)):
        request = urllib.request.Request(
            stack.nginx + path,
            data=body,
            headers={"Content-Type": "application/octet-stream", "Sec-Fetch-Site": "same-origin"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert (status == 413) is refused, (path, status)


def test_slow_clients_do_not_hold_the_workers(stack):
    """More dribbling clients than gunicorn has workers: nginx holds them, not gunicorn."""
    slow = []
    try:
        for _ in range(3):
            sock = socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(stack.nginx).port))
            sock.sendall(
                b"POST /articles/anything/comments/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Sec-Fetch-Site: same-origin\r\nContent-Length: 10000\r\n\r\nbody="
            )
            slow.append(sock)
        time.sleep(0.5)
        for _ in range(3):
            started = time.monotonic()
            assert Reader().get(stack.nginx + "/healthz").status == 200
            assert time.monotonic() - started < 2.0
            for sock in slow:
                sock.sendall(b"a")
            time.sleep(0.3)
    finally:
        for sock in slow:
            sock.close()
