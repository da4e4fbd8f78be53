"""/sitemap.xml (a urlset, or an index of pages once large), its pages, and /robots.txt."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from tests.helpers import make_article, make_articles, make_section, shared_max_age

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITEMAPS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def fetch(client, url="/sitemap.xml", **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response


def sitemap(client, url="/sitemap.xml"):
    root = ET.fromstring(fetch(client, url).content)
    assert root.tag == f"{SITEMAPS}urlset"
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def sitemap_index(client):
    root = ET.fromstring(fetch(client).content)
    assert root.tag == f"{SITEMAPS}sitemapindex"
    return {
        entry.findtext("s:loc", namespaces=NS): entry.findtext("s:lastmod", namespaces=NS)
        for entry in root.findall("s:sitemap", NS)
    }


def test_the_sitemap_lists_the_front_page_sections_and_published_articles(client, db):
    world = make_section(name="World")
    make_section(name="Empty")
    older = make_article(title="Older", slug="older", section=world, publish_in=timedelta(days=-3))
    newer = make_article(title="Newer", slug="newer", publish_in=timedelta(hours=-2))
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    older.refresh_from_db()
    urls = sitemap(client)
    # Articles oldest first: a new one lands on the last page, the others stay the same.
    assert list(urls) == [
        "http://testserver/",
        "http://testserver/sections/world/",
        "http://testserver/articles/older/",
        "http://testserver/articles/newer/",
    ]

    def day(moment):
        return timezone.localtime(moment).date().isoformat()

    assert urls["http://testserver/"] == day(newer.published_at)
    assert urls["http://testserver/sections/world/"] == day(older.published_at)
    assert urls["http://testserver/articles/older/"] == day(older.updated_at)
    assert urls["http://testserver/articles/newer/"] == day(newer.modified_at)
    assert day(older.updated_at) != day(older.published_at)


def test_drafts_and_scheduled_articles_and_their_sections_are_never_in_the_sitemap(
    client, article, draft, scheduled
):
    hidden = make_section(name="Hidden")
    Article.objects.filter(pk__in=[draft.pk, scheduled.pk]).update(section=hidden)
    urls = sitemap(client)
    assert "http://testserver/articles/a-published-article/" in urls
    assert not [url for url in urls if "a-draft" in url or "tomorrows-story" in url]
    assert "http://testserver/sections/hidden/" not in urls


def test_the_sitemap_uses_site_url(client, article, settings):
    settings.SITE_URL = "https://news.example.org/paper"
    urls = sitemap(client)
    assert list(urls) == [
        "https://news.example.org/paper/",
        "https://news.example.org/paper/articles/a-published-article/",
    ]


def test_the_sitemap_costs_a_handful_of_queries_whatever_the_number_of_articles(
    client, db, django_assert_num_queries
):
    world = make_section(name="World")
    for i in range(60):
        make_article(title=f"S{i}", slug=f"s-{i}", section=world)
    # Pages per sitemap (sections, articles: a count each); front page lastmod; sections
    # and articles: count, rows.
    with django_assert_num_queries(7):
        urls = sitemap(client)
    assert len(urls) == 62


def test_the_sitemap_is_publicly_cacheable_and_costs_no_query_once_made(
    client, article, django_assert_num_queries
):
    first = fetch(client)
    assert 0 < shared_max_age(first) <= 300
    assert first["ETag"].startswith('W/"')
    assert parsedate_to_datetime(first["Last-Modified"]) <= timezone.now()
    assert "Set-Cookie" not in first and "Vary" not in first
    with django_assert_num_queries(0):
        again = fetch(client)
        assert again.content == first.content and again["ETag"] == first["ETag"]
        # Query strings that change nothing are the same document, not a new render.
        for query in ("?utm_source=news", "?p=2", "?p=x", "?x=1&y=2"):
            assert fetch(client, f"/sitemap.xml{query}")["ETag"] == first["ETag"]


def test_a_crawler_that_asks_again_gets_304_for_no_query(
    client, article, django_assert_num_queries
):
    first = fetch(client)
    with django_assert_num_queries(0):
        by_etag = client.get("/sitemap.xml", headers={"If-None-Match": first["ETag"]})
        by_date = client.get("/sitemap.xml", headers={"If-Modified-Since": first["Last-Modified"]})
    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert 0 < shared_max_age(response) <= 300
    stale = client.get("/sitemap.xml", headers={"If-None-Match": 'W/"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_a_publication_shows_in_the_sitemap_within_five_minutes(client, article, settings):
    assert settings.SITEMAP_CACHE_SECONDS == 300
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert "http://testserver/articles/later/" not in sitemap(client)
        make_article(title="Later", slug="later", publish_in=timedelta(minutes=-1))
        traveller.shift(timedelta(seconds=200))
        # Still the copy made 200 s ago; a shared cache may keep it only what is left.
        assert "http://testserver/articles/later/" not in sitemap(client)
        assert shared_max_age(fetch(client)) == 100
        traveller.shift(timedelta(seconds=100))
        assert "http://testserver/articles/later/" in sitemap(client)
        assert shared_max_age(fetch(client)) == 300


def test_a_large_sitemap_is_an_index_of_pages(client, db, monkeypatch, settings):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = make_articles(5, section=make_section(name="World"))
    index = sitemap_index(client)
    assert list(index) == [
        "http://testserver/sitemap-front-page.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    newest = max(a.modified_at for a in articles)
    for location in list(index)[2:]:
        assert datetime.fromisoformat(index[location]) == newest
    pages = [sitemap(client, url.removeprefix("http://testserver")) for url in index]
    assert list(pages[0]) == ["http://testserver/"]
    assert list(pages[1]) == ["http://testserver/sections/world/"]
    listed = [url for page in pages[2:] for url in page]
    assert [len(page) for page in pages[2:]] == [2, 2, 1]
    assert listed == [f"http://testserver/articles/story-{i}/" for i in reversed(range(5))]
    # robots.txt still points at /sitemap.xml: crawlers read the index there.
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
    settings.SITE_URL = "https://news.example.org"
    client.defaults["HTTP_HOST"] = "localhost"  # another origin: its own cached document
    assert list(sitemap_index(client))[2] == "https://news.example.org/sitemap-articles.xml"


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-articles.xml?p=4",
        "/sitemap-articles.xml?p=999",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=-1",
        "/sitemap-articles.xml?p=x",
        "/sitemap-articles.xml?p=%EF%BC%91",  # a fullwidth digit one
        "/sitemap-articles.xml?p=1234567890123",
        "/sitemap-sections.xml?p=2",
        "/sitemap-nonsense.xml",
    ],
)
def test_a_page_that_is_not_there_is_a_404_that_costs_no_query(
    client, db, monkeypatch, url, django_assert_num_queries
):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    make_articles(5)
    sitemap_index(client)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 404


def test_a_cached_page_costs_no_query_whatever_else_its_query_string_holds(
    client, db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    make_articles(5)
    sitemap_index(client)
    first = sitemap(client, "/sitemap-articles.xml?p=2")
    with django_assert_num_queries(0):
        assert sitemap(client, "/sitemap-articles.xml?utm_source=x&p=2&p=2") == first
        assert sitemap(client, "/sitemap-articles.xml?p=02") == first
        response = fetch(client, "/sitemap-articles.xml?p=2")
        assert 0 < shared_max_age(response) <= 300
        revalidated = client.get(
            "/sitemap-articles.xml?p=2", headers={"If-None-Match": response["ETag"]}
        )
        assert revalidated.status_code == 304


def test_a_page_past_the_last_is_a_404_even_before_the_index_is_made(client, db):
    make_articles(2)
    assert client.get("/sitemap-articles.xml?p=2").status_code == 404
    assert len(sitemap(client, "/sitemap-articles.xml")) == 2


def test_each_host_gets_its_own_locations(client, article):
    assert list(sitemap(client))[0] == "http://testserver/"
    client.defaults["HTTP_HOST"] = "localhost"
    assert list(sitemap(client))[0] == "http://localhost/"
    client.defaults["HTTP_HOST"] = "evil.example"
    assert client.get("/sitemap.xml").status_code == 400


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-articles.xml", "/robots.txt"])
def test_sitemap_and_robots_only_read(client, db, url):
    assert client.post(url).status_code == 405


def test_robots_txt_points_to_the_sitemap(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert shared_max_age(response) == 3600
    assert "Set-Cookie" not in response
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_uses_site_url(client, db, settings):
    settings.SITE_URL = "https://news.example.org"
    assert (
        "Sitemap: https://news.example.org/sitemap.xml"
        in client.get("/robots.txt").content.decode()
    )
