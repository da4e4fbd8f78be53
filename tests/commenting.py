"""Small factories and helpers for the comment tests."""

from datetime import timedelta

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from newsroom.clients import address_hash
from newsroom.readers import READER_COOKIE_SALT, new_reader_id

APPROVED = Comment.Status.APPROVED
PENDING = Comment.Status.PENDING
REJECTED = Comment.Status.REJECTED
SPAM = Comment.Status.SPAM

# Django's test client comes from this address.
CLIENT_ADDRESS_HASH = address_hash("127.0.0.1")


def make_comment(article, *, status=APPROVED, **fields):
    defaults = {"name": "A reader", "body": "A thoughtful comment.", "reader_id": new_reader_id()}
    return Comment.objects.create(article=article, status=status, **{**defaults, **fields})


def comments_url(article):
    return f"/articles/{article.slug}/comments/"


def post_comment(client, article, **data):
    fields = {"name": "Ann Reader", "email": "", "body": "I was there that day.", **data}
    return client.post(comments_url(article), fields)


def post_comment_json(client, article, **data):
    fields = {"name": "Ann Reader", "email": "", "body": "I was there that day.", **data}
    return client.post(comments_url(article), fields, headers={"accept": "application/json"})


def _signed(reader_id):
    """The reader cookie's value, as the site's responses sign it."""
    response = HttpResponse()
    response.set_signed_cookie(settings.READER_COOKIE_NAME, reader_id, salt=READER_COOKIE_SALT)
    return response.cookies[settings.READER_COOKIE_NAME].value


def _unsigned(value):
    request = HttpRequest()
    request.COOKIES[settings.READER_COOKIE_NAME] = value
    return request.get_signed_cookie(settings.READER_COOKIE_NAME, salt=READER_COOKIE_SALT)


def as_reader(client, reader_id=None):
    """Give the client a reader cookie, as the site sets it; returns the reader id."""
    reader_id = reader_id or new_reader_id()
    client.cookies[settings.READER_COOKIE_NAME] = _signed(reader_id)
    return reader_id


def reader_of(response):
    """The reader id the response's cookie carries."""
    return _unsigned(response.cookies[settings.READER_COOKIE_NAME].value)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def make_established_reader():
    """A reader id with a comment approved two days ago (on an article of its own, so that
    it shows on no page under test): a reader whose reports weigh a whole person."""
    from tests.helpers import make_article

    reader_id = new_reader_id()
    old = make_comment(make_article(slug=f"earlier-{reader_id[:12]}"), reader_id=reader_id)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    return reader_id


def reader_cookie_value(reader_id):
    """The reader cookie's value for `reader_id`, as the site signs it."""
    return _signed(reader_id)


def established_reader(address):
    """A test client at `address` with an established reader's cookie."""
    client = Client(REMOTE_ADDR=address)
    as_reader(client, make_established_reader())
    return client
