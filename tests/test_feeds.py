"""The RSS 2.0 feed at /feed/ and the Atom feed beside it."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from articles.models import Article
from tests.helpers import make_article, make_articles, make_section

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel"), root.find("channel").findall("item")


def test_the_rss_feed_lists_the_latest_30_published_articles_newest_first(client, db):
    articles = make_articles(35)
    channel, items = rss_items(client.get("/feed/"))
    assert channel.findtext("title") == "Newsroom: latest articles"
    assert channel.findtext("link") == "http://testserver/"
    assert [item.findtext("title") for item in items] == [a.title for a in articles[:30]]
    assert [item.findtext("link") for item in items] == [
        f"http://testserver/articles/story-{i}/" for i in range(30)
    ]


def test_each_item_has_the_full_standfirst_and_its_publication_date(client, db):
    section = make_section(name="World")
    standfirst = "A long standfirst, " + "word " * 50 + "& the end."
    article = make_article(
        standfirst=standfirst.strip(), section=section, byline="By Ana Ruiz", title="Q&A: “why”"
    )
    _, (item,) = rss_items(client.get("/feed/"))
    assert item.findtext("title") == "Q&A: “why”"
    assert item.findtext("description") == standfirst.strip()
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(
        microsecond=0
    )
    assert item.findtext("guid") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("category") == "World"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ana Ruiz"


def test_drafts_and_scheduled_articles_are_never_in_the_feeds(client, article, draft, scheduled):
    _, items = rss_items(client.get("/feed/"))
    assert [item.findtext("title") for item in items] == [article.title]
    atom = ET.fromstring(client.get("/feed/atom/").content)
    assert [entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")] == [
        article.title
    ]


def test_an_empty_feed_is_still_valid(client, draft):
    channel, items = rss_items(client.get("/feed/"))
    assert items == []
    assert channel.findtext("title")


def test_the_atom_feed_has_the_same_articles_with_published_and_updated_dates(client, db):
    articles = make_articles(3)
    Article.objects.filter(pk=articles[1].pk).update(body="Corrected.")
    response = client.get("/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver/feed/atom/"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [a.title for a in articles]
    for entry, article in zip(entries, articles, strict=True):
        article.refresh_from_db()
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == article.published_at
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == article.modified_at
        assert entry.find(f"{ATOM}link").get("href") == (
            f"http://testserver{article.get_absolute_url()}"
        )
        assert entry.findtext(f"{ATOM}summary") == article.standfirst


def test_the_rss_feed_points_to_itself(client, article):
    channel, _ = rss_items(client.get("/feed/"))
    assert channel.find(f"{ATOM}link").get("href") == "http://testserver/feed/"


def test_feeds_use_site_url(client, article, settings):
    settings.SITE_URL = "https://news.example.org"
    channel, (item,) = rss_items(client.get("/feed/"))
    assert channel.findtext("link") == "https://news.example.org/"
    assert item.findtext("link") == f"https://news.example.org{article.get_absolute_url()}"
    atom = ET.fromstring(client.get("/feed/atom/").content)
    assert atom.find(f"{ATOM}link[@rel='self']").get("href") == (
        "https://news.example.org/feed/atom/"
    )


def test_a_scheduled_article_joins_the_feed_when_its_time_comes(client, article, scheduled):
    import time_machine

    with time_machine.travel(scheduled.published_at + timedelta(seconds=1), tick=False):
        _, items = rss_items(client.get("/feed/"))
    assert [item.findtext("title") for item in items] == [scheduled.title, article.title]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_feed_costs_one_query(client, db, url, django_assert_num_queries):
    make_articles(40, section=make_section(name="World"))
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feeds_only_read(client, db, url):
    assert client.post(url).status_code == 405
