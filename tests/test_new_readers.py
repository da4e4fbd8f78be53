"""Readers new to the site: a request without a reader cookie that reacts, comments or
reports makes a new reader. Dropping the cookie makes one each time, so one address may
make only NEW_READER_RATE_LIMITS of them; readers it already has are not held back."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from newsroom.ratelimit import describe_wait
from reactions.models import Reaction
from tests.commenting import as_reader
from tests.helpers import JSON

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def budget(settings):
    settings.NEW_READER_RATE_LIMITS = [(3, 60), (5, 3600)]
    settings.REACTION_RATE_LIMIT_PER_ADDRESS = 1000
    settings.COMMENTS_RATE_LIMITS = [(1000, 600)]
    settings.COMMENTS_REPORT_RATE_LIMITS = [(1000, 600)]


def reactions_url(article):
    return f"/articles/{article.slug}/reactions/"


def tap(article, *, client=None, address="192.0.2.1", **extra):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reactions_url(article), {"emoji": "joy"}, REMOTE_ADDR=address, **extra)


def assert_told_to_wait(response, message):
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert "new to this site" in message
    assert f"try again in {describe_wait(wait)}" in message
    assert "reader" not in response.cookies


def test_cookieless_taps_from_one_address_make_few_readers(article):
    for _ in range(3):
        assert tap(article, **JSON).status_code == 200
    refused = tap(article, **JSON)
    assert_told_to_wait(refused, refused.json()["error"])
    assert Reaction.objects.count() == 3


def test_without_javascript_the_refusal_is_a_page_that_says_how_long(article):
    for _ in range(3):
        assert tap(article).status_code == 303
    refused = tap(article)
    assert_told_to_wait(refused, refused.content.decode())
    assert article.title in refused.content.decode()


def test_readers_the_address_already_has_are_not_held_back(article):
    reader = Client()
    as_reader(reader)
    for _ in range(3):
        tap(article)
    assert tap(article).status_code == 429
    assert tap(article, client=reader, **JSON).status_code == 200
    assert tap(article, address="192.0.2.2", **JSON).status_code == 200  # another address


def test_the_hourly_budget_holds_past_the_minute(article):
    with time_machine.travel("2030-01-01 12:00", tick=False) as traveller:
        for _ in range(3):
            assert tap(article, **JSON).status_code == 200
        traveller.shift(timedelta(seconds=61))
        for _ in range(2):
            assert tap(article, **JSON).status_code == 200
        refused = tap(article, **JSON)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 3000
        assert "try again in 59 minutes" in refused.json()["error"]


def test_rotating_ipv6_addresses_within_a_network_buys_little(article):
    """Each /64 may make 3 a minute, its /56 4 times that (newsroom.ratelimit)."""
    made = 0
    for subnet in range(6):
        for host in range(3):
            response = tap(article, address=f"2001:db8:0:{subnet:x}::{host + 1}", **JSON)
            made += response.status_code == 200
    assert made == 12
