"""Without Redis, every process on the machine shares one cache (diskcache's, on local
disk): two gunicorn workers count a reader's toggles and an admin's failed sign-ins
together, a write made by a manage.py command shows on both, and the rate-limit logs
are checked and written atomically across processes."""

import http.cookiejar
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from newsroom.cache import RATE_LIMIT_LOGS, DiskCache
from tests import cache_processes
from tests.servers import (
    BASE_DIR,
    NoRedirects,
    collect_static,
    database_url,
    get,
    server_environment,
)

READER_LIMIT = 8
STALENESS = 3.0  # seconds a reader may see a page without a write another process made


# In processes of their own ------------------------------------------------------------


def run_at_once(target, directory, *args, processes=2):
    """Run target(directory, *args, barrier, results) in `processes` spawned processes
    that start together; their results."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    started = [
        context.Process(target=target, args=(str(directory), *args, barrier, results))
        for _ in range(processes)
    ]
    for process in started:
        process.start()
    answers = [results.get(timeout=120) for _ in started]
    for process in started:
        process.join(timeout=30)
        assert process.exitcode == 0
    return answers


def test_a_rate_limit_lets_exactly_its_count_through_from_two_processes(tmp_path):
    logs = [("ratelimit:reaction-reader:r1", [(50, 3600)])]
    answers = run_at_once(cache_processes.log_actions, tmp_path, logs, 80)
    allowed = [action for answer in answers for action in answer]
    assert len(allowed) == 50
    cache = cache_processes.open_cache(tmp_path)
    refused = cache.log_action(logs, now=time.time(), action="one more")
    assert refused is not None and refused[:2] == (0, 0)
    assert 3590 < refused[2] <= 3600


def test_several_logs_count_together_or_not_at_all_across_processes(tmp_path):
    """A reader's log and their address's log: an action refused by one is in neither."""
    logs = [
        ("ratelimit:comment:reader", [(30, 600), (40, 86400)]),
        ("ratelimit:comment:address", [(25, 600)]),
    ]
    answers = run_at_once(cache_processes.log_actions, tmp_path, logs, 40)
    assert sum(len(answer) for answer in answers) == 25
    cache = cache_processes.open_cache(tmp_path)
    store = cache.cache(RATE_LIMIT_LOGS)
    for key, _limits in logs:
        assert len(store.get(cache.make_key(key))) == 25


def test_actions_taken_back_in_two_processes_leave_the_others_counted(tmp_path):
    logs = [("ratelimit:report:r2", [(1000, 600)])]
    answers = run_at_once(cache_processes.log_and_take_back, tmp_path, logs, 60)
    kept = sorted(action for answer in answers for action in answer)
    cache = cache_processes.open_cache(tmp_path)
    log = cache.cache(RATE_LIMIT_LOGS).get(cache.make_key(logs[0][0]))
    assert sorted(name for _at, name in log) == kept
    assert len(kept) == 60


def test_failed_sign_ins_counted_from_two_processes_are_all_counted(tmp_path):
    answers = run_at_once(cache_processes.count_failures, tmp_path, "login-failures:x", 300)
    seen = sorted(n for answer in answers for n in answer)
    assert seen == list(range(1, 601))  # no count lost, none given twice
    assert cache_processes.open_cache(tmp_path).get("login-failures:x") == 600


def test_clearing_the_cache_clears_the_rate_limit_logs(tmp_path):
    cache = cache_processes.open_cache(tmp_path)
    logs = [("ratelimit:reaction-reader:r3", [(1, 60)])]
    assert cache.log_action(logs, now=time.time(), action="a") is None
    assert cache.log_action(logs, now=time.time(), action="b") is not None
    cache.clear()
    assert cache.log_action(logs, now=time.time(), action="c") is None


def test_the_site_without_redis_shares_a_cache_in_cache_dir(tmp_path):
    """What manage.py commands and the servers open: the same directory, from CACHE_DIR."""
    env = server_environment(CACHE_DIR=str(tmp_path / "shared"))
    env.pop("REDIS_URL", None)
    script = (
        "from django.core.cache import caches; cache = caches['default']; "
        "cache.set('from-a-command', 42, 60); print(type(cache).__name__, cache.directory)"
    )
    answer = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.stdout.split() == ["DiskCache", str(tmp_path / "shared")]
    assert DiskCache(str(tmp_path / "shared"), {}).get("from-a-command") == 42


def test_the_test_run_has_a_cache_directory_of_its_own():
    if os.environ.get("REDIS_URL"):
        assert settings.CACHES["default"]["BACKEND"] == "newsroom.cache.RedisCache"
        return
    assert settings.CACHES["default"]["BACKEND"] == "newsroom.cache.DiskCache"
    assert settings.CACHES["default"]["LOCATION"].endswith(f"newsroom-test-cache-{os.getpid()}")


# Two gunicorn workers -------------------------------------------------------------------


class Worker:
    """gunicorn with two workers, its access log naming the worker (pid) of each request."""

    def __init__(self, base_url, access_log):
        self.base_url = base_url
        self.access_log = access_log

    def pids_that_served(self, method, path):
        pids = set()
        for line in self.access_log.read_text().splitlines():
            pid, line_method, line_path, _status = line.split(" ", 3)
            if line_method == method and line_path == path:
                pids.add(pid)
        return pids


def start_gunicorn(env, access_log, log):
    """gunicorn on a free port in 20000-32000 (a port taken meanwhile: another one)."""
    for _attempt in range(10):
        port = random.randrange(20000, 32000)  # noqa: S311
        base_url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "1",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            if get(f"{base_url}/healthz", timeout=1) == 200:
                return process, base_url
            time.sleep(0.2)
        if process.poll() is None:
            process.kill()
            process.wait()
            pytest.fail("gunicorn did not answer within 30 s")
    pytest.fail("gunicorn found no free port in 10 tries")


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two workers on the test database, without REDIS_URL: the cache in CACHE_DIR."""
    directory = tmp_path_factory.mktemp("two-workers")
    with django_db_blocker.unblock():
        db = connection.settings_dict
        if db["ENGINE"] == "django.db.backends.sqlite3":
            url = f"sqlite:///{db['NAME']}"
        else:
            url = database_url(db)
    env = server_environment(
        DATABASE_URL=url,
        CACHE_DIR=str(directory / "cache"),
        STATIC_ROOT=str(directory / "static"),
        # Each reader comes from an address of their own (X-Forwarded-For, one proxy).
        NUM_PROXIES="1",
        REACTION_RATE_LIMIT_PER_READER=str(READER_LIMIT),
        REACTION_RATE_LIMIT_PER_ADDRESS="1000",
        REACTION_RATE_WINDOW="3600",
    )
    env.pop("REDIS_URL", None)
    collect_static(directory / "static")
    access_log = directory / "access.log"
    with open(directory / "gunicorn.log", "w") as log:
        process, base_url = start_gunicorn(env, access_log, log)
        try:
            yield Worker(base_url, access_log), env
        finally:
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
    shutil.rmtree(directory, ignore_errors=True)


class Browser:
    """One reader or moderator: their cookies and their address. A new connection for
    every request, so that either worker may answer it."""

    def __init__(self, base_url, address):
        self.base_url = base_url
        self.address = address
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def request(self, path, data=None, headers=()):
        headers = {"X-Forwarded-For": self.address, **dict(headers)}
        if data is not None:
            # What a browser sends with a form posted from the site's own page.
            token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
            headers.update(
                {"Sec-Fetch-Site": "same-origin", "Origin": self.base_url, "X-CSRFToken": token}
            )
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.mark.django_db(transaction=True)
def test_two_workers_count_a_readers_toggles_together(site):
    from tests.helpers import make_article

    worker, _env = site
    article = make_article(title="Counted once", slug="counted-once")
    path = f"/articles/{article.slug}/reactions/"
    reader = Browser(worker.base_url, "10.8.0.1")
    json = {"Accept": "application/json"}
    first, _ = reader.request(path, {"emoji": "smile"}, json)  # the reader cookie
    assert first == 200
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(
            pool.map(
                lambda _n: reader.request(path, {"emoji": "smile"}, json)[0],
                range(READER_LIMIT + 7),
            )
        )
    assert sorted(statuses) == [200] * (READER_LIMIT - 1) + [429] * 8
    assert len(worker.pids_that_served("POST", path)) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_count_failed_sign_ins_together(site, django_user_model):
    worker, _env = site
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.password = PBKDF2PasswordHasher().encode("correct-horse-battery", "salt")
    editor.save()

    def sign_in(n, password):
        browser = Browser(worker.base_url, f"10.8.1.{n}")
        status, page = browser.request("/admin/login/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return browser.request(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": "editor", "password": password},
        )[0]

    limit = settings.LOGIN_FAILURE_LIMIT
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = list(pool.map(lambda n: sign_in(n, "wrong"), range(1, limit + 1)))
    assert failures == [200] * limit  # the form again, with Django's error
    assert len(worker.pids_that_served("POST", "/admin/login/")) == 2
    # Whichever worker answers, the right password is refused now.
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda n: sign_in(n, "correct-horse-battery"), range(50, 54)))
    assert answers == [429] * 4


@pytest.mark.django_db(transaction=True)
def test_a_comment_approved_by_a_command_shows_on_both_workers(site):
    from comments.models import Comment
    from tests.helpers import make_article

    worker, env = site
    article = make_article(title="Approved elsewhere", slug="approved-elsewhere")
    comment = Comment.objects.create(
        article=article, name="A reader", body="Approved by a command.", status="pending"
    )
    path = f"/articles/{article.slug}/"
    reader = Browser(worker.base_url, "10.8.2.1")

    def pages(count=8):
        """The page `count` times over fresh connections, two at a time (both workers)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda _n: reader.request(path), range(count)))

    before = pages()
    assert all(status == 200 and comment.body not in page for status, page in before)
    assert len(worker.pids_that_served("GET", path)) == 2  # both have it cached

    script = (
        "from comments.models import Comment; "
        f"comment = Comment.objects.get(pk={comment.pk}); "
        "comment.status = Comment.Status.APPROVED; comment.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=BASE_DIR, env=env, check=True
    )
    approved = time.monotonic()
    while True:
        answers = pages()
        assert all(status == 200 for status, _page in answers)
        if all(comment.body in page for _status, page in answers):
            break
        assert time.monotonic() - approved < STALENESS, "the approved comment is not shown"
        time.sleep(0.1)
    assert time.monotonic() - approved < STALENESS
