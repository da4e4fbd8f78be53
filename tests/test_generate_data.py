"""generate_data: bulk, realistic, consistent."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from articles.models import Article
from comments.models import Comment
from reactions.models import Reaction, ReactionCount


@pytest.fixture
def generated(db):
    call_command(
        "generate_data",
        "--articles=40",
        "--comments=3000",
        "--reactions=4000",
        "--seed=3",
        stdout=io.StringIO(),
    )


def test_it_makes_what_it_is_asked_for(generated):
    assert Article.objects.count() == 40
    assert Comment.objects.count() == 3000
    assert Reaction.objects.count() == 4000


def test_the_counters_equal_the_reaction_rows(generated):
    rows = Counter(Reaction.objects.values_list("article_id", "key"))
    counters = {(c.article_id, c.key): c.count for c in ReactionCount.objects.all()}
    assert counters == dict(rows)


def test_a_few_hot_articles_hold_most_of_the_activity(generated):
    per_article = sorted(
        Comment.objects.values("article").annotate(n=Count("pk")).values_list("n", flat=True),
        reverse=True,
    )
    assert sum(per_article[:4]) > 0.4 * 3000  # the top tenth holds more than 40%


def test_comments_come_in_threads_of_one_article_with_mostly_approved_ones(generated):
    replies = Comment.objects.filter(parent__isnull=False)
    assert 0.2 * 3000 < replies.count() < 0.4 * 3000
    assert not replies.exclude(article=F("parent__article")).exists()
    assert not replies.filter(parent__parent__isnull=False).exists()  # one level
    statuses = Counter(Comment.objects.values_list("status", flat=True))
    assert statuses["approved"] > 0.8 * 3000
    assert statuses["pending"] and statuses["rejected"] and statuses["spam"]
    # A reply never comes before the comment it answers.
    assert not replies.filter(created_at__lt=F("parent__created_at")).exists()


def test_only_published_articles_get_activity(generated):
    drafts = Article.objects.exclude(status=Article.Status.PUBLISHED)
    assert not Comment.objects.filter(article__in=drafts).exists()
    assert not Reaction.objects.filter(article__in=drafts).exists()


def test_the_generated_pages_render(client, generated):
    article = Article.objects.published().annotate(n=Count("comments")).order_by("-n").first()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200


def test_activity_needs_articles(db):
    with pytest.raises(CommandError):
        call_command("generate_data", "--articles=0", "--comments=10", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_run_from_the_shell_it_leaves_postgresql_vacuumed_and_analyzed():
    """As after any bulk load: planner statistics, and the visibility map that index-only
    scans need (the thread counts on a busy article), as autovacuum keeps them."""
    call_command(
        "generate_data",
        "--articles=10",
        "--comments=50",
        "--reactions=50",
        "--seed=1",
        stdout=io.StringIO(),
    )
    assert Comment.objects.count() == 50
    if connection.vendor != "postgresql":
        return  # SQLite: nothing to vacuum after an insert-only load
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY relname",
            [["articles_article", "comments_comment", "reactions_reaction"]],
        )
        assert cursor.fetchall() == [
            ("articles_article", True, True),
            ("comments_comment", True, True),
            ("reactions_reaction", True, True),
        ]
