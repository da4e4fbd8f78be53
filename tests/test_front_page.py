"""The front page: the lead, then the others newest first with their counts, 20 a page."""

from datetime import datetime, timedelta

import pytest

from tests.helpers import add_comments, add_reactions, html, make_article, make_articles


def items(page):
    return page.select(".article-list > li")


def test_the_latest_article_is_the_lead_with_its_standfirst_and_time(client, db):
    older, newest = (
        make_article(title="Older", slug="older", publish_in=timedelta(hours=-5)),
        make_article(
            title="Newest",
            slug="newest",
            standfirst="The lead's line.",
            publish_in=timedelta(hours=-1),
        ),
    )
    page = html(client.get("/"))
    lead = items(page)[0]
    assert "article-item-lead" in lead["class"]
    assert lead.find("h2").get_text(strip=True) == "Newest"
    assert lead.find("h2").a["href"] == newest.get_absolute_url()
    assert lead.find(class_="standfirst").get_text(strip=True) == "The lead's line."
    assert datetime.fromisoformat(lead.find("time")["datetime"]) == newest.published_at
    assert items(page)[1].find("h2").get_text(strip=True) == older.title


def test_the_others_come_newest_first_with_time_comments_and_reactions(client, db):
    newest, middle, oldest = make_articles(3)
    add_comments(middle, approved=2, pending=1, rejected=1)
    add_reactions(middle, readers=2, keys=("smile", "heart"))
    add_comments(oldest, approved=1)
    add_reactions(oldest, readers=1)
    add_reactions(oldest, readers=1)  # the same reader taps again: the reaction is taken back
    page = html(client.get("/"))
    others = items(page)[1:]
    assert [li.find("h2").get_text(strip=True) for li in others] == [middle.title, oldest.title]
    assert [datetime.fromisoformat(li.find("time")["datetime"]) for li in others] == [
        middle.published_at,
        oldest.published_at,
    ]
    assert [li.find(class_="comment-count").get_text() for li in others] == [
        "2 comments",
        "1 comment",
    ]
    assert [li.find(class_="reaction-total").get_text() for li in others] == [
        "4 reactions",
        "0 reactions",
    ]
    assert items(page)[0].find(class_="comment-count").get_text() == "0 comments"


def test_drafts_and_scheduled_articles_are_not_on_the_front_page(client, article, draft, scheduled):
    page = html(client.get("/"))
    titles = [li.find("h2").get_text(strip=True) for li in items(page)]
    assert titles == [article.title]
    assert draft.title not in page.get_text()
    assert scheduled.title not in page.get_text()


def test_an_empty_front_page_says_nothing_is_published(client, draft):
    response = client.get("/")
    assert response.status_code == 200
    assert html(response).find(class_="empty").get_text(strip=True) == (
        "Nothing has been published yet."
    )


def test_twenty_a_page_with_links_that_work_without_javascript(client, db):
    articles = make_articles(45)
    first = html(client.get("/"))
    assert len(items(first)) == 20
    assert first.find("a", rel="next")["href"] == "/?page=2"
    assert first.find("a", rel="prev") is None

    second = html(client.get(first.find("a", rel="next")["href"]))
    shown = [li.find("h2").get_text(strip=True) for li in items(second)]
    assert shown == [article.title for article in articles[20:40]]
    assert "article-item-lead" not in items(second)[0]["class"]
    assert second.find("a", rel="prev")["href"] == "/"
    assert second.find("a", rel="next")["href"] == "/?page=3"
    assert "Page 2 of 3" in second.find("nav", class_="pagination").get_text()

    third = html(client.get("/?page=3"))
    assert len(items(third)) == 5
    assert third.find("a", rel="next") is None


def test_one_page_has_no_pagination(client, article):
    assert html(client.get("/")).find("nav", class_="pagination") is None


def test_a_page_past_the_last_is_not_found(client, db):
    make_articles(45)
    assert client.get("/?page=4").status_code == 404


@pytest.mark.parametrize("number", ["0", "abc", "-1", "1"])
def test_a_page_number_that_is_not_one_leads_to_the_first_page(client, db, number):
    make_articles(45)
    response = client.get(f"/?page={number}")
    assert response.status_code == 301
    assert response["Location"] == "/"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_front_page_only_reads(client, db, method):
    assert getattr(client, method)("/").status_code == 405


@pytest.mark.parametrize("count", [1, 50])
def test_the_front_page_costs_three_queries_whatever_the_number_of_articles(
    client, db, count, django_assert_num_queries
):
    for article in make_articles(count):
        add_comments(article, approved=2, pending=1)
        add_reactions(article, readers=2, keys=("smile", "tada"))
    # The page count, the page's articles; the header's sections (then kept until one changes).
    with django_assert_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    assert len(items(html(response))) == min(count, 20)
    assert html(response).find(class_="comment-count").get_text() == "2 comments"
    assert html(response).find(class_="reaction-total").get_text() == "4 reactions"
