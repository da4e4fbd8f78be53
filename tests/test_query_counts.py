"""Every page and action costs a bounded number of queries, the same whatever the amount
of data: a few articles or many, no comment or a thousand, no reaction or 20,000."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import pagecache
from comments.models import Comment
from reactions.models import Reaction
from reactions.services import recount_reactions
from tests.commenting import APPROVED, as_reader, comments_url
from tests.helpers import JSON, REACTION_KEYS, add_comments, make_articles


def fill(article, *, comments, reactions):
    """`comments` approved comments in threads of five, and `reactions` reactions."""
    roots = Comment.objects.bulk_create(
        Comment(article=article, name=f"R{n}", body=f"Comment {n}", status=APPROVED)
        for n in range(comments // 5)
    )
    Comment.objects.bulk_create(
        Comment(article=article, parent=root, name="Re", body="A reply", status=APPROVED)
        for root in roots
        for _ in range(4)
    )
    Reaction.objects.bulk_create(
        (
            Reaction(article=article, reader_id=f"{n // 9:048x}", key=REACTION_KEYS[n % 9])
            for n in range(reactions)
        ),
        batch_size=5000,
    )
    recount_reactions(article=article)


def queries(action):
    with CaptureQueriesContext(connection) as captured:
        response = action()
    assert response.status_code in (200, 201, 303), response.status_code
    return len(captured)


SIZES = [(0, 0), (1000, 20_000)]


@pytest.mark.parametrize(("comments", "reactions"), SIZES)
def test_the_article_page(client, article, comments, reactions):
    fill(article, comments=comments, reactions=reactions)
    url = article.get_absolute_url()
    first = queries(lambda: client.get(url))
    # The article, the counts, the comment totals, threads, replies; the header's sections
    # (then kept until one changes) and the latest articles of its section.
    assert first <= 7
    assert queries(lambda: client.get(url)) == 0  # from the cache
    # Another process: the page and its reaction bar from the cache they share.
    pagecache.forget_local_copies()
    assert queries(lambda: client.get(url)) == 0
    # After a reaction: the counts for the bar, once.
    Client().post(f"{url}reactions/", {"emoji": "joy"})
    assert queries(lambda: client.get(url)) == 1
    assert queries(lambda: client.get(url)) == 0


@pytest.mark.parametrize(("comments", "reactions"), SIZES)
def test_the_article_page_for_a_reader_who_reacted(article, comments, reactions):
    fill(article, comments=comments, reactions=reactions)
    reader = Client()
    reader.post(f"{article.get_absolute_url()}reactions/", {"emoji": "joy"})
    url = article.get_absolute_url()
    assert queries(lambda: reader.get(url)) <= 6  # also the header's sections, then kept
    # Their reactions, with the counts: one query.
    assert queries(lambda: reader.get(url)) == 1


@pytest.mark.parametrize("count", [1, 60])
def test_the_front_page(client, db, count):
    for article in make_articles(count):
        add_comments(article, approved=2)
    # The page count, the page's articles; the header's sections (then kept until one changes).
    assert queries(lambda: client.get("/")) == 3
    assert queries(lambda: client.get("/")) == 0


@pytest.mark.parametrize(("comments", "reactions"), SIZES)
def test_a_reaction_toggle(article, comments, reactions):
    fill(article, comments=comments, reactions=reactions)
    reader = Client()
    as_reader(reader)
    url = f"{article.get_absolute_url()}reactions/"
    on_postgres = connection.vendor == "postgresql"
    first = queries(lambda: reader.post(url, {"emoji": "joy"}, **JSON))
    # Also the article's id, then kept in the cache. Elsewhere, the ORM's path: the delete,
    # the insert in its savepoint, the counter (made if it is the first), the state, and
    # the transaction's savepoint.
    assert first <= (8 if on_postgres else 11)
    # Taking it back. PostgreSQL: one statement. Elsewhere: delete, counter, state, and
    # the transaction's savepoint.
    bound = 1 if on_postgres else 5
    assert queries(lambda: reader.post(url, {"emoji": "joy"}, **JSON)) <= bound


@pytest.mark.parametrize(("comments", "reactions"), SIZES)
def test_the_reactions_json(article, comments, reactions):
    fill(article, comments=comments, reactions=reactions)
    reader = Client()
    as_reader(reader)
    url = f"{article.get_absolute_url()}reactions/"
    assert queries(lambda: reader.get(url)) <= 2  # also the article's id, then kept
    assert queries(lambda: reader.get(url)) == 1


@pytest.mark.parametrize(("comments", "reactions"), SIZES)
def test_a_comment_post(article, comments, reactions):
    fill(article, comments=comments, reactions=reactions)
    reader = Client()
    as_reader(reader)

    def post(body):
        return reader.post(comments_url(article), {"name": "Ann", "body": body, "email": ""})

    assert queries(lambda: post("Hello.")) <= 10  # also the article and the word lists
    # The lock, the plan setting and the checks (one round trip on PostgreSQL), the
    # insert; the savepoint the test's transaction makes of the comment's.
    assert queries(lambda: post("Hello again.")) <= 6
