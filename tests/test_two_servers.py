"""Past one machine: two app servers (gunicorn, as in production) on two ports, sharing one
PostgreSQL database and one Redis, and nothing else.

Reactions, comments, moderation and an edit go through both, interleaved; the test checks
exact counts, that neither server shows a stale page beyond the stated bound
(PAGE_CACHE_LOCAL_SECONDS for a reader without cookies; none for a reader's own state),
and that a rate limit counts a reader's requests on both servers together.
"""

import http.cookiejar
import os
import random
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from articles.models import Article
from comments.models import Comment
from reactions.models import Reaction, ReactionCount
from tests.helpers import REACTION_KEYS, make_article, shown_within
from tests.servers import NoRedirects, database_url, free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BOUND = 1.0  # PAGE_CACHE_LOCAL_SECONDS on the servers
SLACK = 0.5  # a request's own time, and the polling step
PER_READER_LIMIT = 20


def _why_skipped():
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "two servers share one database: run with DATABASE_URL on PostgreSQL"
    if not os.environ.get("REDIS_URL"):
        return "two servers share one cache: run with REDIS_URL (Redis)"
    return None


pytestmark = [
    pytest.mark.skipif(_why_skipped() is not None, reason=_why_skipped() or ""),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn servers, two workers each, on the test database and the tests' Redis."""
    static_root = tmp_path_factory.mktemp("static")
    logs = tmp_path_factory.mktemp("logs")
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
            "PAGE_CACHE_LOCAL_SECONDS": str(BOUND),
            # Each reader comes from an address of its own (X-Forwarded-For, one proxy).
            "NUM_PROXIES": "1",
            "REACTION_RATE_LIMIT_PER_READER": str(PER_READER_LIMIT),
            "REACTION_RATE_WINDOW": "3600",
            "WEB_CONCURRENCY": "2",
        }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    started = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = open(logs / f"{name}.log", "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started.append((process, log, f"http://127.0.0.1:{port}"))
        for process, _log, base in started:
            wait_until_up(process, base)
        yield [base for _process, _log, base in started]
    finally:
        for process, log, _base in started:
            if process.poll() is None:
                os.killpg(process.pid, 15)
                process.wait(timeout=20)
            log.close()
        shutil.rmtree(static_root, ignore_errors=True)


class Browser:
    """One reader: their cookies, their address; requests to either server."""

    def __init__(self, address):
        self.address = address
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def csrf(self):
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, url, data=None, headers=()):
        headers = {"X-Forwarded-For": self.address, **dict(headers)}
        if data is not None:
            # A form on the site's own page (reader endpoints); the admin's token.
            headers["Sec-Fetch-Site"] = "same-origin"
            headers["X-CSRFToken"] = self.csrf()
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def page(self, url):
        status, body = self.request(url)
        assert status == 200, (url, status)
        return BeautifulSoup(body, "html.parser")


def bar_of(page):
    return {
        button["value"]: (int(button["data-count"]), button["aria-pressed"] == "true")
        for button in page.select("#reactions button.reaction")
    }


def fresh_within_bound(check, what):
    """Poll until check() holds; fail if it took longer than the stated bound."""
    return shown_within(BOUND + SLACK, check, what)


def test_two_servers_share_everything_a_reader_sees(servers, django_user_model):
    article = make_article(title="One story, two servers", slug="two-servers")
    # Hashed as the servers' production settings check it (tests hash with MD5).
    moderator_user = django_user_model.objects.create_superuser("moderator")
    moderator_user.password = PBKDF2PasswordHasher().encode("a moderator's password", "two")
    moderator_user.save()
    url = lambda base, path="": f"{base}/articles/{article.slug}/{path}"  # noqa: E731
    readers = [Browser(f"10.9.0.{n}") for n in range(1, 13)]
    anonymous = [Browser("10.9.1.1"), Browser("10.9.1.2")]
    for n, reader in enumerate(readers):
        reader.page(url(servers[n % 2]))

    # Reactions, interleaved across the servers, with each reader's own bookkeeping.
    rng = random.Random(7)
    mine = [set() for _ in readers]
    for step in range(30):
        n = rng.randrange(len(readers))
        key = rng.choice(REACTION_KEYS)
        here, there = servers[step % 2], servers[(step + 1) % 2]
        status, body = readers[n].request(
            url(here, "reactions/"), {"emoji": key}, {"Accept": "application/json"}
        )
        assert status == 200, body
        mine[n] ^= {key}
        expected = Counter(key for keys in mine for key in keys)
        # The answer and the reader's page on the other server: exact, at once.
        shown = bar_of(readers[n].page(url(there)))
        assert {k: c for k, (c, _) in shown.items()} == {k: expected[k] for k in REACTION_KEYS}
        assert {k for k, (_, pressed) in shown.items() if pressed} == mine[n]
        # A reader without cookies, on either server: within the bound.
        for base, browser in zip(servers, anonymous, strict=True):
            fresh_within_bound(
                lambda base=base, browser=browser, expected=expected: (
                    {k: c for k, (c, _) in bar_of(browser.page(url(base))).items()}
                    == {k: expected[k] for k in REACTION_KEYS}
                ),
                "reaction counts without cookies",
            )
    expected = Counter(key for keys in mine for key in keys)
    rows = Counter(Reaction.objects.filter(article=article).values_list("key", flat=True))
    counters = dict(ReactionCount.objects.filter(article=article).values_list("key", "count"))
    assert {k: rows[k] for k in REACTION_KEYS} == {k: expected[k] for k in REACTION_KEYS}
    assert {k: counters.get(k, 0) for k in REACTION_KEYS} == {k: expected[k] for k in REACTION_KEYS}

    # Comments through both servers: pending, seen by their authors alone.
    posted = []
    for n, reader in enumerate(readers):
        here, there = servers[n % 2], servers[(n + 1) % 2]
        body = f"Comment {n} through server {n % 2}."
        status, _ = reader.request(url(here, "comments/"), {"name": f"Reader {n}", "body": body})
        assert status == 303
        posted.append(Comment.objects.get(body=body))
        assert "Awaiting moderation" in reader.page(url(there)).get_text()
        for base, browser in zip(servers, anonymous, strict=True):
            assert body not in browser.page(url(base)).get_text()
    assert Comment.objects.filter(article=article).count() == len(readers)

    # Moderation in the admin: log in on one server, approve and reject on the other.
    moderator = Browser("10.9.2.1")
    moderator.page(f"{servers[0]}/admin/login/")
    status, _ = moderator.request(
        f"{servers[0]}/admin/login/?next=/admin/",
        {"username": "moderator", "password": "a moderator's password"},
    )
    assert status == 302
    approve, reject = posted[0], posted[1]
    approve_and_check(moderator, servers[1], approve, "approved")
    for base, browser in zip(servers, anonymous, strict=True):
        fresh_within_bound(
            lambda base=base, browser=browser: approve.body in browser.page(url(base)).get_text(),
            "an approved comment",
        )
    approve_and_check(moderator, servers[0], reject, "approved")
    approve_and_check(moderator, servers[1], reject, "rejected")
    for base, browser in zip(servers, anonymous, strict=True):
        fresh_within_bound(
            lambda base=base, browser=browser: (
                reject.body not in browser.page(url(base)).get_text()
            ),
            "a rejected comment",
        )

    # An edit in the admin on one server shows on both.
    edit_article(moderator, servers[0], article, title="One story, edited")
    for base, browser in zip(servers, anonymous, strict=True):
        fresh_within_bound(
            lambda base=base, browser=browser: (
                browser.page(url(base)).find("h1").get_text() == "One story, edited"
            ),
            "an edited title",
        )

    # A rate limit counts one reader's toggles on both servers together. It counts those of
    # any hour (a log of each reader's toggles), not of a clock hour: there is no window edge
    # to keep clear of (test_a_burst_across_the_turn_of_the_minute_is_limited_as_one).
    limited = Browser("10.9.3.1")
    limited.page(url(servers[0]))
    answers = [
        limited.request(
            url(servers[i % 2], "reactions/"), {"emoji": "smile"}, {"Accept": "application/json"}
        )
        for i in range(PER_READER_LIMIT + 4)
    ]
    assert [status for status, _body in answers] == [200] * PER_READER_LIMIT + [429] * 4
    assert all("Too many reactions" in body for _status, body in answers[PER_READER_LIMIT:])


def admin_form(browser, page_url):
    """The fields of an admin change form, as the browser would send them."""
    page = browser.page(page_url)
    form = page.find("form", id=re.compile(r"_form$"))
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    data.pop("csrfmiddlewaretoken", None)
    return data


MODERATION_ACTIONS = {
    "approved": "approve_comments",
    "rejected": "reject_comments",
    "spam": "mark_spam",
}


def approve_and_check(browser, base, comment, status):
    """Moderate one comment with the queue's bulk action, as a moderator does."""
    changelist = f"{base}/admin/comments/comment/?status=all"
    browser.page(changelist)
    answer, body = browser.request(
        changelist,
        {
            "action": MODERATION_ACTIONS[status],
            "_selected_action": str(comment.pk),
            "index": "0",
        },
    )
    assert answer == 302, body[:2000]
    comment.refresh_from_db()
    assert comment.status == status


def edit_article(browser, base, article, *, title):
    change = f"{base}/admin/articles/article/{article.pk}/change/"
    data = admin_form(browser, change)
    data.update(title=title, _save="Save")
    answer, body = browser.request(change, data)
    assert answer == 302, body[:2000]
    assert Article.objects.get(pk=article.pk).title == title


def test_nothing_a_second_server_needs_lives_in_one():
    """Sessions in the database, cache, rate limits and cached pages in Redis; uploads
    only through the media storage, which MEDIA_S3_BUCKET makes a shared bucket
    (docs/deploying.md: a second server needs it, or one MEDIA_ROOT for both)."""
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db import models

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    uploads = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert all(field.storage is default_storage for field in uploads)
