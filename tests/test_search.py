"""Search: full-text and ranked on PostgreSQL, a plain case-insensitive match on SQLite."""

from datetime import datetime, timedelta

import pytest
from django.db import connection

from articles.models import Article
from articles.search import MAX_QUERY_LENGTH
from tests.helpers import SEED_TITLE, add_comments, html, make_article, make_articles


def results(response):
    return [h2.get_text(strip=True) for h2 in html(response).select(".article-list > li h2")]


@pytest.fixture
def stories(db):
    return {
        "title": make_article(
            title="Floods reach the capital",
            slug="floods",
            standfirst="Rivers burst their banks.",
            body="Water everywhere.",
            publish_in=timedelta(hours=-3),
        ),
        "standfirst": make_article(
            title="A quiet week",
            slug="quiet-week",
            standfirst="Then the floods came to the valley.",
            body="Nothing else to report.",
            publish_in=timedelta(hours=-2),
        ),
        "body": make_article(
            title="Harvest report",
            slug="harvest",
            standfirst="Farmers count the cost.",
            body="Fields lost to the floods this spring.",
            publish_in=timedelta(hours=-1),
        ),
        "other": make_article(
            title="Election night", slug="election", standfirst="Votes.", body="Counting."
        ),
    }


def test_search_finds_words_in_the_title_the_standfirst_and_the_body(client, stories):
    response = client.get("/search/", {"q": "floods"})
    assert response.status_code == 200
    assert sorted(results(response)) == sorted(
        [stories["title"].title, stories["standfirst"].title, stories["body"].title]
    )
    page = html(response)
    assert page.h1.get_text() == "Search results for “floods”"
    assert page.find(class_="result-count").get_text(strip=True) == "3 articles found."
    assert page.find("input", id="search-q")["value"] == "floods"


def test_search_ignores_case(client, stories):
    assert stories["title"].title in results(client.get("/search/", {"q": "FLOODS"}))


def test_results_show_time_standfirst_section_link_and_counts(client, stories):
    add_comments(stories["other"], approved=2)
    item = html(client.get("/search/", {"q": "election"})).select_one(".article-list > li")
    assert item.find("h2").a["href"] == "/articles/election/"
    assert item.find(class_="standfirst").get_text() == "Votes."
    assert datetime.fromisoformat(item.find("time")["datetime"]) == stories["other"].published_at
    assert item.find(class_="comment-count").get_text() == "2 comments"


def test_best_match_first_on_postgresql_newest_first_elsewhere(client, stories):
    shown = results(client.get("/search/", {"q": "floods"}))
    if connection.vendor == "postgresql":
        # Title (A) outranks standfirst (B), which outranks body (C), whatever the dates.
        expected = ["title", "standfirst", "body"]
    else:
        expected = ["body", "standfirst", "title"]
    assert shown == [stories[key].title for key in expected]


def test_drafts_and_scheduled_articles_never_match(client, db):
    make_article(title="Floods public", slug="public")
    make_article(title="Floods draft", slug="draft", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Floods later", slug="later", publish_in=timedelta(days=1))
    assert results(client.get("/search/", {"q": "floods"})) == ["Floods public"]


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_query_shows_a_hint(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = html(response)
    assert page.h1.get_text() == "Search"
    assert "Type a word or a name above" in page.find(class_="empty").get_text()
    assert results(response) == []


def test_no_query_at_all_shows_the_hint_without_touching_the_database(
    client, db, django_assert_num_queries
):
    client.get("/search/")  # the header's sections, then kept
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert "Type a word or a name above" in html(response).find(class_="empty").get_text()


def test_no_result_shows_a_helpful_empty_state(client, stories):
    response = client.get("/search/", {"q": "zebras"})
    assert response.status_code == 200
    empty = html(response).find(class_="empty")
    assert "No article matches “zebras”." in empty.get_text()
    assert "Check the spelling" in empty.get_text()
    assert empty.find("a", href="/")


BAD_QUERIES = [
    "'",
    "%",
    "\\",
    '"',
    "_",
    "%%",
    "\\%",
    "' OR 1=1 --",
    "floods'; DROP TABLE articles_article; --",
    '"unclosed phrase',
    "a & b | !c <-> (d",
    ":*",
    "-",
    "or",
    "\x00",
    "floods\x00",
    "🎉",
    "x" * 5000,
    "floods " * 300,
    "الأسد",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_odd_queries_never_error(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = html(response)
    assert page.find("main")
    assert not page.find("script", string=lambda text: text and "alert(1)" in text)
    assert Article.objects.count() == 4


@pytest.mark.parametrize("query", ["'", "%", "_", "\\", "%%", "\\%", "' OR 1=1 --", "\x00"])
def test_wildcards_and_quotes_match_literally_not_everything(client, stories, query):
    assert results(client.get("/search/", {"q": query})) == []


def test_a_title_with_quotes_and_percent_is_found(client, db):
    make_article(title="Rates rise 5% after “O'Brien” report", slug="rates")
    assert results(client.get("/search/", {"q": "O'Brien"})) == [
        "Rates rise 5% after “O'Brien” report"
    ]


def test_arabic_queries_find_arabic_articles(client, db):
    make_article(
        title="سقوط نظام الأسد",
        slug="arabic",
        standfirst="تقرير من دمشق",
        body="غادر الأسد دمشق فجر الأحد.",
    )
    make_article(title="Election night", slug="election")
    assert results(client.get("/search/", {"q": "الأسد"})) == ["سقوط نظام الأسد"]
    assert results(client.get("/search/", {"q": "دمشق"})) == ["سقوط نظام الأسد"]


def test_a_very_long_query_is_cut_to_200_characters_and_the_page_says_so(client, stories):
    response = client.get("/search/", {"q": "floods " + "x" * 500})
    page = html(response)
    assert len(page.find("input", id="search-q")["value"]) == MAX_QUERY_LENGTH == 200
    assert "only its first 200 characters were used" in page.find(class_="notice").get_text()
    assert html(client.get("/search/", {"q": "floods"})).find(class_="notice") is None


def test_results_page_twenty_at_a_time_and_keep_the_query(client, db):
    make_articles(25, prefix="flood")
    first = client.get("/search/", {"q": "flood number"})
    assert len(results(first)) == 20
    next_url = html(first).find("a", rel="next")["href"]
    assert next_url == "/search/?q=flood+number&page=2"
    second = client.get(next_url)
    assert len(results(second)) == 5
    assert html(second).find("a", rel="prev")["href"] == "/search/?q=flood+number"


def test_search_costs_two_queries(client, db, django_assert_num_queries):
    for article in make_articles(30):
        add_comments(article, approved=1)
    client.get("/search/")  # the header's sections, then kept
    with django_assert_num_queries(2):  # the result count, the page's results
        response = client.get("/search/", {"q": "story"})
    assert len(results(response)) == 20


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_search_only_reads(client, db, method):
    assert getattr(client, method)("/search/?q=x").status_code == 405


def test_every_page_has_a_search_box_in_the_header(client, seed_article):
    for url in ["/", seed_article.get_absolute_url(), "/sections/world/", "/search/?q=x"]:
        form = html(client.get(url)).find("header", class_="site-header").find("form")
        assert form["action"] == "/search/"
        assert form["method"] == "get"
        assert form.find("input", attrs={"type": "search"})["name"] == "q"


def test_the_seed_article_is_found_by_a_word_of_its_body(client, seed_article):
    assert results(client.get("/search/", {"q": "Hmeimim"})) == [SEED_TITLE]


def test_search_results_ask_search_engines_not_to_index_them(client, db):
    page = html(client.get("/search/", {"q": "x"}))
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"


def test_the_full_text_index_exists_on_postgresql_and_serves_the_search(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "articles_article")
    if connection.vendor != "postgresql":
        # SQLite has no full-text index: search there is a plain substring match.
        assert "article_search_idx" not in indexes
        return
    assert indexes["article_search_idx"]["type"] == "gin"
    make_articles(3)
    # The search's own condition, alone: the planner can serve it from the index only if
    # the index's expression is exactly the query's (on a table this small it would
    # rather read the rows, hence no sequential scans for this transaction).
    queryset = Article.objects.search("story")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "article_search_idx" in plan, plan
