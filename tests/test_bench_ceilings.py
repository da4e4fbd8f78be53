"""bench/ceilings.py's views: the writes queued in Redis that README.md's "The write
targets and durability" measures. They must do what they stand for (a toggle that goes
on and off, a comment that is checked and queued), and the site must never serve them."""

import pytest
from django.conf import settings
from django.core import signing
from django.core.cache import cache

from comments.models import Comment, Reaction
from comments.readers import READER_COOKIE_SALT, new_reader_id
from tests.helpers import REACTION_KEYS

needs_redis = pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="the queues are in Redis: run with REDIS_URL (Redis)",
)
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def ceilings(settings):
    settings.ROOT_URLCONF = "bench.ceilings_urls"


@pytest.fixture
def reader(client):
    reader_id = new_reader_id()
    signer = signing.get_cookie_signer(
        salt=signing._cookie_signer_salt(settings.READER_COOKIE_NAME, READER_COOKIE_SALT)
    )
    client.cookies[settings.READER_COOKIE_NAME] = signer.sign(reader_id)
    return reader_id


def queued(kind, article):
    from bench.ceilings_views import key

    client = cache._cache.get_client(write=True)
    return [fields for _id, fields in client.xrange(key("queue", kind, article.pk))]


@pytest.mark.parametrize(
    "path", ["/bench/post-floor", "/bench/toggle-write-behind/x/", "/bench/comment-minimal/x/"]
)
def test_the_site_never_serves_the_ceilings_views(client, path):
    assert client.post(path).status_code == 404


@needs_redis
def test_a_toggle_queued_in_redis_goes_on_then_off_as_the_real_one(
    client, article, reader, ceilings
):
    url = f"/bench/toggle-write-behind/{article.slug}/"
    key = REACTION_KEYS[0]
    on = client.post(url, {"emoji": key}, **JSON)
    assert on.status_code == 200
    assert on.json() == {"counts": {key: 1}, "mine": [key]}
    off = client.post(url, {"emoji": key}, **JSON).json()
    assert off == {"counts": {key: 0}, "mine": []}
    assert [fields[b"on"] for fields in queued("reactions", article)] == [b"1", b"0"]
    assert client.post(url, {"emoji": "no-such-reaction"}, **JSON).status_code == 400
    assert not Reaction.objects.exists()  # nothing written to the database


@needs_redis
@pytest.mark.parametrize("view", ["comment-write-behind", "comment-minimal"])
def test_a_comment_queued_in_redis_is_checked_then_answered_with_a_303(
    client, article, reader, ceilings, view
):
    url = f"/bench/{view}/{article.slug}/"
    assert client.post(url, {"name": "", "body": "Hello"}).status_code == 400
    response = client.post(url, {"name": "Ada", "body": "What I saw."})
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert [(f[b"reader"], f[b"body"]) for f in queued("comments", article)] == [
        (reader.encode(), b"What I saw.")
    ]
    assert not Comment.objects.exists()
