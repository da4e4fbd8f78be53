"""Only published articles whose time has come are public; anything else is a 404."""

import pytest

from tests.helpers import html


def test_published_article_is_shown(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert html(response).h1.get_text() == article.title


def test_draft_is_not_found(client, draft):
    assert client.get("/articles/a-draft/").status_code == 404


def test_scheduled_article_is_not_found_before_its_time(client, scheduled):
    assert client.get("/articles/tomorrows-story/").status_code == 404


def test_scheduled_article_appears_when_its_time_comes(client, scheduled):
    import time_machine

    with time_machine.travel(scheduled.published_at, tick=False):
        assert client.get("/articles/tomorrows-story/").status_code == 200


def test_unknown_slug_is_not_found(client, db):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_an_article_is_not_allowed(client, article, method):
    response = getattr(client, method)(article.get_absolute_url())
    assert response.status_code == 405


def test_front_page_lists_published_articles_only(client, article, draft, scheduled):
    page = html(client.get("/"))
    titles = [a.get_text() for a in page.select(".article-list h2 a")]
    assert titles == [article.title]


def test_front_page_links_to_the_seed_article(client, seed_article):
    page = html(client.get("/"))
    link = page.select_one(".article-list h2 a")
    assert link.get_text() == seed_article.title
    assert link["href"] == seed_article.get_absolute_url()


def test_markdown_body_is_rendered_once_and_sanitised(db):
    from tests.helpers import make_article

    article = make_article(
        body='Hello <script>alert(1)</script> [x](javascript:alert(2)) <b onclick="x()">b</b>'
    )
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "onclick" not in article.body_html
    assert "<p>Hello" in article.body_html
