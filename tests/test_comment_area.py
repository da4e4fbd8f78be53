"""The comment area on a busy story (issue 18): how many, a way to the form from the top,
oldest or newest first, pages by links, and a reply banner that reads right."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.commenting import make_comment
from tests.helpers import make_article, page_of


@pytest.fixture
def busy(settings, db):
    settings.COMMENTS_PAGE_SIZE = 3
    article = make_article()
    start = timezone.now() - timedelta(hours=1)
    for n in range(7):
        comment = make_comment(article, name=f"Reader {n}", body=f"Comment number {n}.")
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(minutes=n))
    return article


def names(page):
    return [
        tag.get_text() for tag in page.select("#comment-list > ol > li > article .comment-name")
    ]


def test_the_area_says_how_many_and_leads_to_the_form(client, busy):
    page = page_of(client, busy)
    assert page.select_one("#comment-count").get_text() == "7 comments"
    write = page.select_one(".comment-tools a.write-comment")
    assert write.get_text() == "Write a comment"
    assert write["href"] == "#comment-form"
    assert page.find(id="comment-form")


def test_a_closed_article_offers_no_form_to_write_in(client, closed_article):
    make_comment(closed_article)
    assert page_of(client, closed_article).select_one("a.write-comment") is None


def test_oldest_first_by_default_newest_on_request(client, busy):
    page = page_of(client, busy)
    assert names(page) == ["Reader 0", "Reader 1", "Reader 2"]
    links = {a.get_text(): a for a in page.select("nav.comment-sort a")}
    assert links["Oldest first"]["aria-current"] == "true"
    assert links["Newest first"]["href"] == f"{busy.get_absolute_url()}?sort=newest#comment-list"
    newest = page_of(client, busy, "?sort=newest")
    assert names(newest) == ["Reader 6", "Reader 5", "Reader 4"]
    assert newest.select_one('nav.comment-sort a[aria-current="true"]').get_text() == "Newest first"


def test_the_pages_keep_the_order_and_every_link_is_canonical(client, busy):
    newest = page_of(client, busy, "?sort=newest")
    more = newest.select_one('.pagination a[rel="next"]')
    assert more.get_text() == "More comments"
    assert more["href"] == f"{busy.get_absolute_url()}?page=2&sort=newest#comment-list"
    second = page_of(client, busy, "?page=2&sort=newest")
    assert names(second) == ["Reader 3", "Reader 2", "Reader 1"]
    for link in [
        *second.select(".pagination a"),
        *second.select("a.reply-link"),
        *second.select("a.comment-permalink"),
    ]:
        target = link["href"].partition("#")[0]
        assert client.get(target).status_code == 200, target  # not a redirect


@pytest.mark.parametrize(
    ("query", "canonical"),
    [("?sort=oldest", ""), ("?sort=bogus", ""), ("?sort=newest&page=2", "?page=2&sort=newest")],
)
def test_another_spelling_of_the_order_is_sent_to_the_canonical_page(
    client, busy, query, canonical
):
    response = client.get(busy.get_absolute_url() + query)
    assert response.status_code == 301
    assert response["Location"] == busy.get_absolute_url() + canonical


def test_each_order_is_cached_for_readers_without_cookies(busy, django_assert_num_queries):
    page_of(Client(), busy, "?sort=newest")
    with django_assert_num_queries(0):
        assert names(page_of(Client(), busy, "?sort=newest"))[0] == "Reader 6"
    with django_assert_num_queries(0):
        page_of(Client(), busy, "?sort=newest")
    page_of(Client(), busy)
    with django_assert_num_queries(0):
        assert names(page_of(Client(), busy))[0] == "Reader 0"


def test_the_reply_banner_has_no_double_full_stop(client, article):
    comment = make_comment(article, name="Ann B.")
    page = page_of(client, article, f"?reply_to={comment.pk}")
    banner = page.find(id="replying-to").get_text(" ", strip=True)
    assert banner.startswith("Replying to Ann B. Cancel reply")
    assert ".." not in banner
