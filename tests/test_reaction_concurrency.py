"""Counts stay exact when many readers tap at once, and a double tap never breaks anything."""

import random
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from reactions.models import Reaction, ReactionCount
from tests.helpers import JSON, REACTION_KEYS


@pytest.fixture
def no_rate_limits(settings):
    settings.REACTION_RATE_LIMIT_PER_READER = 10**9
    settings.REACTION_RATE_LIMIT_PER_ADDRESS = 10**9


def run_together(workers):
    """Start every worker at the same moment, each in its own thread and DB connection."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def run(worker):
        try:
            barrier.wait()
            worker()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def db_counts(article):
    rows = Counter(Reaction.objects.filter(article=article).values_list("key", flat=True))
    counters = dict(ReactionCount.objects.filter(article=article).values_list("key", "count"))
    return (
        {key: rows.get(key, 0) for key in REACTION_KEYS},
        {key: counters.get(key, 0) for key in REACTION_KEYS},
    )


@pytest.mark.django_db(transaction=True)
def test_counts_stay_exact_when_many_readers_tap_at_once(article, no_rate_limits):
    on_postgres = connection.vendor == "postgresql"
    workers_count, toggles_each = (32, 30) if on_postgres else (8, 15)
    url = f"{article.get_absolute_url()}reactions/"
    bookkeeping = [set() for _ in range(workers_count)]
    statuses = Counter()
    statuses_lock = threading.Lock()

    def worker_for(index):
        def work():
            client = Client(REMOTE_ADDR=f"10.0.{index // 250}.{index % 250}")
            rng = random.Random(index)
            for _ in range(toggles_each):
                key = rng.choice(REACTION_KEYS)
                response = client.post(url, {"emoji": key}, **JSON)
                with statuses_lock:
                    statuses[response.status_code] += 1
                assert response.status_code == 200, response.content
                assert (key in response.json()["mine"]) != (key in bookkeeping[index])
                bookkeeping[index] ^= {key}

        return work

    run_together([worker_for(i) for i in range(workers_count)])

    expected = Counter(key for mine in bookkeeping for key in mine)
    expected = {key: expected.get(key, 0) for key in REACTION_KEYS}
    rows, counters = db_counts(article)
    shown = Client().get(url).json()["counts"]
    print(
        f"\n{connection.vendor}: {workers_count} workers × {toggles_each} toggles = "
        f"{sum(statuses.values())} toggles, statuses {dict(statuses)}; final counts {shown}"
    )
    assert statuses == {200: workers_count * toggles_each}
    assert sum(expected.values()) > 0
    assert rows == expected
    assert counters == expected
    assert shown == expected


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_race_never_errors_or_duplicates(article, no_rate_limits):
    url = f"{article.get_absolute_url()}reactions/"
    first = Client()
    first.post(url, {"emoji": "smile"})  # the reader's cookie, shared by both taps
    reader_cookie = first.cookies
    statuses = Counter()
    statuses_lock = threading.Lock()

    for _round in range(10):

        def tap():
            client = Client()
            client.cookies = reader_cookie
            response = client.post(url, {"emoji": "joy"}, **JSON)
            with statuses_lock:
                statuses[response.status_code] += 1

        run_together([tap, tap])
        rows, counters = db_counts(article)
        assert rows["joy"] <= 1
        assert counters == rows

    assert statuses == {200: 20}
    assert Reaction.objects.filter(key="smile").count() == 1
