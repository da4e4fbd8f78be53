import io
import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles import pagecache
from articles.models import Article
from tests.helpers import SEED_SLUG, make_article

CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test's thread; the ORM calls that
# tests make beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    pagecache.forget_local_copies()
    yield
    cache.clear()
    pagecache.forget_local_copies()


@pytest.fixture
def seed_article(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Article.objects.get(slug=SEED_SLUG)


@pytest.fixture
def article(db):
    return make_article()


@pytest.fixture
def draft(db):
    return make_article(
        title="A draft", slug="a-draft", status=Article.Status.DRAFT, published_at=None
    )


@pytest.fixture
def scheduled(db):
    return make_article(
        title="Tomorrow's story", slug="tomorrows-story", publish_in=timedelta(days=1)
    )


@pytest.fixture
def post_moderated(db):
    return make_article(
        title="A post-moderated story",
        slug="a-post-moderated-story",
        comments_mode=Article.CommentsMode.POST_MODERATED,
    )


@pytest.fixture
def closed_article(db):
    return make_article(
        title="A story closed to comments",
        slug="a-closed-story",
        comments_mode=Article.CommentsMode.CLOSED,
    )


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user(
        username="mo", password="moderator-password", is_staff=True
    )


# Browser tests: the system's Chromium, launched by path; never a downloaded browser.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()
