"""Simultaneous requests: nothing stored twice, no report lost, no limit overrun."""

import threading

from django.db import connection
from django.test import Client

from comments.models import Comment
from newsroom.readers import new_reader_id
from tests.commenting import PENDING, as_reader, established_reader, make_comment, post_comment
from tests.helpers import make_article


def run_together(n, action):
    """Run action(i) in n threads released at the same moment; their results."""
    barrier = threading.Barrier(n)
    results = [None] * n
    errors = []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results[i] = action(i)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_a_comment_sent_four_times_at_once_is_stored_once(transactional_db):
    article = make_article()
    reader_id = new_reader_id()

    def post(_):
        client = Client()
        as_reader(client, reader_id)
        return post_comment(client, article, body="Clicked four times.").status_code

    assert sorted(run_together(4, post)) == [303, 400, 400, 400]
    assert Comment.objects.count() == 1


def test_simultaneous_comments_never_overrun_the_rate_limit(transactional_db):
    article = make_article()
    reader_id = new_reader_id()

    def post(i):
        client = Client()
        as_reader(client, reader_id)
        return post_comment(client, article, body=f"Comment {i} at once.").status_code

    assert sorted(run_together(8, post)) == [303] * 5 + [429] * 3
    assert Comment.objects.count() == 5


def test_simultaneous_readers_on_one_address_past_its_limit_are_held(transactional_db):
    article = make_article(comments_mode="post")

    def post(i):
        return post_comment(Client(), article, body=f"Reader {i} at once.").status_code

    assert run_together(8, post) == [303] * 8
    assert Comment.objects.filter(moderation_reason__startswith="network:").count() == 3


def test_simultaneous_reports_are_all_counted(transactional_db):
    comment = make_comment(make_article())
    readers = [established_reader(f"198.51.100.{n + 1}") for n in range(3)]

    def report(n):
        return readers[n].post(f"/comments/{comment.pk}/flag/", {"reason": "spam"}).status_code

    assert run_together(3, report) == [303] * 3
    comment.refresh_from_db()
    assert comment.report_count == 3
    assert comment.status == PENDING
    assert comment.reported_at is not None
