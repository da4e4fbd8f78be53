import io
import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

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
def roles(db):
    """The staff groups, as `python manage.py setup_roles` makes them."""
    call_command("setup_roles", stdout=io.StringIO())


def _staff(django_user_model, *, username, password, group):
    user = django_user_model.objects.create_user(
        username=username, password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def moderator(django_user_model, roles):
    """Staff in the Moderators group: works the comment queue, views articles."""
    return _staff(
        django_user_model, username="mo", password="moderator-password", group="Moderators"
    )


@pytest.fixture
def editor(django_user_model, roles):
    """Staff in the Editors group: writes, publishes and deletes articles."""
    return _staff(django_user_model, username="ed", password="editor-password", group="Editors")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def unreachable_database(django_db_blocker):
    """Point the default connection at a database that refuses connections."""
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent-directory/newsroom.sqlite3"
        else:
            connection.settings_dict["HOST"] = "127.0.0.1"
            connection.settings_dict["PORT"] = "9"  # discard port: nothing listens
        yield
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


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
