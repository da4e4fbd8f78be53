"""/sitemap.xml and /robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.helpers import make_article, make_section

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_the_sitemap_lists_the_front_page_sections_and_published_articles(client, db):
    world = make_section(name="World")
    make_section(name="Empty")
    older = make_article(title="Older", slug="older", section=world, publish_in=timedelta(days=-3))
    newer = make_article(title="Newer", slug="newer", publish_in=timedelta(hours=-2))
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    older.refresh_from_db()
    urls = sitemap(client)
    assert list(urls) == [
        "http://testserver/",
        "http://testserver/sections/world/",
        "http://testserver/articles/newer/",
        "http://testserver/articles/older/",
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
    with django_assert_num_queries(5):  # front page lastmod; sections and articles: count, rows
        urls = sitemap(client)
    assert len(urls) == 62


@pytest.mark.parametrize("url", ["/sitemap.xml", "/robots.txt"])
def test_sitemap_and_robots_only_read(client, db, url):
    assert client.post(url).status_code == 405


def test_robots_txt_points_to_the_sitemap(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
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
