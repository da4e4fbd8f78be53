"""What search engines and social networks read in each page's head."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.helpers import SEED_SLUG, SEED_TITLE, html, make_article, make_articles, make_section
from tests.hostile_inputs import HOSTILE_INPUTS

SEED_URL = f"/articles/{SEED_SLUG}/"
SEED_STANDFIRST = "Assad’s Final Hours in Syria: How the Syrian Leader Fled as Rebels Seized Power"


def meta(page, **attrs):
    tag = page.find("meta", attrs=attrs)
    assert tag is not None, attrs
    return tag["content"]


def json_ld(page):
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


@pytest.mark.parametrize(
    ("url", "title", "canonical"),
    [
        ("/", "Newsroom — latest news", "http://testserver/"),
        ("/?page=2", "Newsroom — latest news (page 2)", "http://testserver/?page=2"),
        ("/sections/world/", "World — Newsroom", "http://testserver/sections/world/"),
        ("/search/", "Search — Newsroom", "http://testserver/search/"),
        ("/search/?q=Syria", "Search: Syria — Newsroom", "http://testserver/search/?q=Syria"),
        (SEED_URL, SEED_TITLE, f"http://testserver{SEED_URL}"),
    ],
)
def test_every_page_has_a_title_a_description_a_canonical_url_and_feed_links(
    client, seed_article, url, title, canonical
):
    make_articles(25)
    response = client.get(url)
    assert response.status_code == 200
    page = html(response)
    assert page.title.get_text() == title
    assert meta(page, name="description").strip()
    assert [link["href"] for link in page.find_all("link", rel="canonical")] == [canonical]
    alternates = {link["type"]: link["href"] for link in page.find_all("link", rel="alternate")}
    assert alternates == {"application/rss+xml": "/feed/", "application/atom+xml": "/feed/atom/"}


def test_descriptions_say_what_each_page_holds(client, seed_article, db):
    make_section(name="Politics", description="Power, parties and elections.")
    assert meta(html(client.get(SEED_URL)), name="description") == SEED_STANDFIRST
    assert meta(html(client.get("/sections/politics/")), name="description") == (
        "Power, parties and elections."
    )
    assert meta(html(client.get("/sections/world/")), name="description") == (
        "The latest articles in World."
    )


def test_an_article_without_a_standfirst_is_described_by_its_first_words(client, db):
    article = make_article(standfirst="", body="The *first* words & more of the body.\n\nLater.")
    page = html(client.get(article.get_absolute_url()))
    assert meta(page, name="description") == "The first words & more of the body. Later."
    assert meta(page, property="og:description") == "The first words & more of the body. Later."


def test_the_article_page_has_open_graph_and_twitter_tags(client, seed_article):
    page = html(client.get(SEED_URL))
    assert meta(page, property="og:type") == "article"
    assert meta(page, property="og:title") == SEED_TITLE
    assert meta(page, property="og:description") == SEED_STANDFIRST
    assert meta(page, property="og:url") == f"http://testserver{SEED_URL}"
    assert meta(page, property="og:site_name") == "Newsroom"
    assert meta(page, property="article:section") == "World"
    published = datetime.fromisoformat(meta(page, property="article:published_time"))
    modified = datetime.fromisoformat(meta(page, property="article:modified_time"))
    assert published == seed_article.published_at
    assert published == datetime.fromisoformat(page.find("article").find("time")["datetime"])
    assert modified == seed_article.updated_at
    # The seed has no photograph: its share card stands in (tests/test_images.py).
    assert meta(page, name="twitter:card") == "summary_large_image"
    assert meta(page, property="og:image").startswith("http://testserver/media/cards/")
    assert meta(page, name="twitter:title") == SEED_TITLE
    assert meta(page, name="twitter:description") == SEED_STANDFIRST


def test_the_json_ld_is_a_news_article_matching_the_page(client, seed_article):
    page = html(client.get(SEED_URL))
    data = json_ld(page)
    header = page.find("article").find("header")
    canonical = page.find("link", rel="canonical")["href"]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == page.h1.get_text() == SEED_TITLE
    assert data["description"] == header.find(class_="standfirst").get_text()
    assert datetime.fromisoformat(data["datePublished"]) == datetime.fromisoformat(
        header.find("time")["datetime"]
    )
    assert datetime.fromisoformat(data["dateModified"]) == seed_article.updated_at
    assert data["author"] == {"@type": "Person", "name": "Newsroom staff"}
    assert header.find(class_="byline").get_text() == "By Newsroom staff"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "http://testserver/",
    }
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert data["url"] == canonical
    assert data["articleSection"] == "World"


def test_the_json_ld_cannot_break_out_of_its_script_element(client, db):
    title = 'Tom & Jerry </script><script>alert("x")</script> <!-- “quotes”'
    article = make_article(title=title, standfirst="A < B > C & D")
    content = client.get(article.get_absolute_url()).content.decode()
    head = content.split("</head>")[0]
    script = head.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script and ">" not in script and "&" not in script
    assert "\\u003C/script\\u003E" in script
    data = json.loads(script)
    assert data["headline"] == title
    assert data["description"] == "A < B > C & D"
    assert "<script>alert" not in content


def test_an_unsigned_article_is_authored_by_the_publisher(client, db):
    article = make_article(byline="")
    data = json_ld(html(client.get(article.get_absolute_url())))
    assert data["author"] == data["publisher"]


def test_a_scheduled_articles_modified_time_is_never_before_its_publication(client, db):
    article = make_article(publish_in=timedelta(minutes=-1))
    # It was written and saved an hour before it went out.
    type(article).objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )
    page = html(client.get(article.get_absolute_url()))
    published = meta(page, property="article:published_time")
    assert meta(page, property="article:modified_time") == published
    assert json_ld(page)["dateModified"] == json_ld(page)["datePublished"]


def test_site_url_makes_every_absolute_url_agree(client, seed_article, settings):
    settings.SITE_URL = "https://news.example.org"
    url = f"https://news.example.org{SEED_URL}"
    page = html(client.get(SEED_URL))
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, property="og:url") == url
    assert json_ld(page)["mainEntityOfPage"]["@id"] == url
    assert json_ld(page)["publisher"]["url"] == "https://news.example.org/"
    share = page.find("h2", string="Share this post").find_parent("section")
    assert share["data-share-url"] == url
    for link in share.find_all("a"):
        assert "news.example.org" in link["href"]
        assert "testserver" not in link["href"]
    # /?page=1 is the front page written another way: it redirects there.
    response = client.get("/?page=1", follow=True)
    assert response.redirect_chain == [("/", 301)]
    assert html(response).find("link", rel="canonical")["href"] == "https://news.example.org/"


def test_site_url_must_be_an_http_address():
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import newsroom.settings"],
        env={"SITE_URL": "news.example.org", "DEBUG": "on", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SITE_URL must start with https:// or http://" in result.stderr


@pytest.mark.parametrize(
    "hostile", [text for text in HOSTILE_INPUTS if len(text) <= 200], ids=lambda text: text[:30]
)
def test_markup_in_a_title_or_standfirst_is_text_in_the_meta_tags_and_json_ld(client, db, hostile):
    article = make_article(title=hostile, standfirst=hostile)
    page = html(client.get(article.get_absolute_url()))
    for attrs in (
        {"name": "description"},
        {"property": "og:description"},
        {"name": "twitter:description"},
        {"property": "og:title"},
        {"name": "twitter:title"},
    ):
        assert meta(page, **attrs) == hostile
    assert page.title.get_text() == hostile
    data = json_ld(page)
    assert data["headline"] == data["description"] == hostile
    # Nothing in the head but what the template put there; no event handler anywhere.
    assert {tag.name for tag in page.head.find_all()} <= {"meta", "title", "link", "script"}
    assert [script.get("type") for script in page.head.find_all("script")] == [
        "application/ld+json"
    ]
    assert not page.find_all(lambda tag: any(name.startswith("on") for name in tag.attrs))
