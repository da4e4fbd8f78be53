"""The site around the article: the header and its menu, the share bar under the
headline, "More in <section>", the site's pages, and what the comment form promises."""

from datetime import timedelta

import pytest
from django.test import Client

from articles import pagecache
from articles.models import Article
from comments.forms import CommentForm
from pages.models import Page
from tests.helpers import (
    html,
    make_article,
    make_articles,
    make_section,
    page_of,
    shared_max_age,
)


@pytest.fixture
def sections(db):
    return [make_section(name=name) for name in ("World", "Politics", "Science")]


def more_in_section(page):
    block = page.find("section", class_="more-in-section")
    if block is None:
        return None
    return [link.get_text(strip=True) for link in block.find("ul").find_all("a")]


# The header ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/sections/politics/", "/search/", "/articles/main/"])
def test_the_header_lists_every_section(client, sections, path):
    make_article(slug="main", section=sections[0])
    page = html(client.get(path))
    header = page.find("header", class_="site-header")
    for nav in header.find_all("nav", attrs={"aria-label": "Sections"}):
        names = [a.get_text(strip=True) for a in nav.find_all("a")]
        assert [name for name in names if name != "Latest news"] == [
            "Politics",
            "Science",
            "World",
        ]
    assert len(header.find_all("nav", attrs={"aria-label": "Sections"})) == 2


def test_the_current_section_is_marked_in_the_header(client, sections):
    page = html(client.get("/sections/science/"))
    current = page.select('.site-nav a[aria-current="page"]')
    assert [a.get_text() for a in current] == ["Science"]


def test_the_phone_menu_is_a_disclosure_that_needs_no_script(client, sections):
    page = html(client.get("/"))
    menu = page.find("details", class_="site-menu")
    assert menu.get("open") is None  # closed until the reader opens it
    assert menu.find("summary").get_text(strip=True) == "Menu"
    links = {a.get_text(strip=True): a["href"] for a in menu.find_all("a")}
    assert links == {
        "Latest news": "/",
        "Politics": "/sections/politics/",
        "Science": "/sections/science/",
        "World": "/sections/world/",
    }
    assert page.find("a", class_="search-link")["href"] == "/search/"


def test_a_renamed_section_shows_in_the_header_at_once(client, sections):
    client.get("/")
    sections[1].name = "Elections"
    sections[1].save()
    names = [a.get_text() for a in html(client.get("/")).select(".site-nav a")]
    assert names == ["Elections", "Science", "World"]


def test_section_names_are_escaped_in_the_header(client, db):
    make_section(name="<b>Bold</b> & co", slug="bold")
    page = client.get("/").content.decode()
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page


# The share bar near the top ----------------------------------------------------------


def test_the_share_bar_is_also_under_the_headline_with_its_label(client, seed_article):
    page = page_of(client, seed_article)
    bars = page.find_all("section", class_="share")
    assert len(bars) == 2
    top, bottom = bars
    assert top.find_parent("header", class_="article-header") is not None
    assert "share-compact" in top["class"]
    assert bottom.find_parent("header") is None
    for bar in bars:
        assert bar.find("h2").get_text() == "Share this post"
        assert [a.get_text(" ", strip=True).split(" (")[0] for a in bar.find_all("a")] == [
            "X",
            "Facebook",
            "LinkedIn",
            "WhatsApp",
            "Telegram",
            "Email",
        ]
    # Before the body: the first thing after the byline.
    body = page.find(class_="article-body")
    assert top in body.find_all_previous("section")


# More in <section> --------------------------------------------------------------------


def test_the_article_ends_with_the_latest_others_of_its_section(client, sections):
    world, politics, _ = sections
    article = make_article(section=world, slug="main", title="Main story")
    make_articles(6, prefix="world", section=world)
    make_article(section=politics, slug="elsewhere", title="Elsewhere")
    make_article(
        section=world, slug="draft", title="A draft", status=Article.Status.DRAFT, published_at=None
    )
    make_article(section=world, slug="later", title="Later", publish_in=timedelta(days=1))
    page = page_of(client, article)
    block = page.find("section", class_="more-in-section")
    assert block.find("h2").get_text(" ", strip=True) == "More in World"
    assert block.find("h2").find("a")["href"] == "/sections/world/"
    assert more_in_section(page) == [f"World number {i}" for i in range(4)]
    assert block.find_previous("article") is not None  # after the article
    assert page.find(id="comments").find_previous("section", class_="more-in-section")


def test_no_more_in_section_without_a_section_or_others(client, sections):
    lone = make_article(section=sections[2], slug="lone")
    assert more_in_section(page_of(client, lone)) is None
    no_section = make_article(slug="no-section")
    assert more_in_section(page_of(client, no_section)) is None


def test_publishing_another_article_of_the_section_refreshes_the_list_at_once(client, sections):
    world = sections[0]
    article = make_article(section=world, slug="main", title="Main story")
    make_article(section=world, slug="older", title="Older", publish_in=timedelta(days=-2))
    assert more_in_section(page_of(client, article)) == ["Older"]
    assert more_in_section(page_of(client, article)) == ["Older"]  # from the cache
    news = make_article(
        section=world, slug="news", title="Breaking", status=Article.Status.DRAFT, published_at=None
    )
    assert more_in_section(page_of(client, article)) == ["Older"]
    news.status = Article.Status.PUBLISHED
    news.published_at = news.created_at
    news.save()
    assert more_in_section(page_of(client, article)) == ["Breaking", "Older"]
    # Another process sees it within PAGE_CACHE_LOCAL_SECONDS: its copy starts afresh here.
    pagecache.forget_local_copies()
    assert more_in_section(page_of(Client(), article)) == ["Breaking", "Older"]
    news.status = Article.Status.DRAFT
    news.save()
    assert more_in_section(page_of(client, article)) == ["Older"]
    Article.objects.get(slug="older").delete()
    assert more_in_section(page_of(client, article)) is None


def test_more_in_section_costs_one_query(client, sections, django_assert_num_queries):
    world = sections[0]
    article = make_article(section=world, slug="main")
    make_articles(10, prefix="world", section=world)
    client.get("/")  # the header's sections, now kept
    # The article, the counts, the comment totals and threads, the section's latest.
    with django_assert_num_queries(4):
        client.get(article.get_absolute_url())


# The site's pages ---------------------------------------------------------------------


@pytest.fixture
def site_pages(seed_article):
    """seed_demo makes them with the seed article."""
    return Page.objects.in_bulk(field_name="slug")


def test_demo_content_has_the_guidelines_and_privacy_pages(client, site_pages):
    assert set(site_pages) == {"community-guidelines", "privacy"}
    page = html(client.get("/pages/community-guidelines/"))
    assert page.find("h1").get_text() == "Community guidelines"
    assert "Argue with ideas, not people." in page.get_text()
    privacy = html(client.get("/pages/privacy/"))
    assert privacy.find("h1").get_text() == "Privacy"
    assert "only the site's administrators can see it" in privacy.get_text()


def test_the_pages_are_public_and_set_no_cookie(client, site_pages):
    response = client.get("/pages/privacy/")
    assert response.status_code == 200
    assert shared_max_age(response) >= 1
    assert not response.cookies
    assert "Cookie" in response["Vary"]
    again = client.get("/pages/privacy/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_an_unknown_page_is_404_and_posting_is_405(client, site_pages):
    assert client.get("/pages/no-such-page/").status_code == 404
    assert client.post("/pages/privacy/").status_code == 405


def test_the_footer_and_the_comment_form_link_to_them(client, site_pages, seed_article):
    page = page_of(client, seed_article)
    footer = page.find("footer", class_="site-footer")
    form = page.find("form", class_="comment-form")
    for where in (footer, form):
        links = {a.get_text().lower(): a["href"] for a in where.find_all("a")}
        assert links["community guidelines"] == "/pages/community-guidelines/"
        assert links["privacy"] == "/pages/privacy/"


def test_editors_change_a_page_in_the_admin_and_readers_see_it(editor_client, site_pages, client):
    privacy = site_pages["privacy"]
    url = f"/admin/pages/page/{privacy.pk}/change/"
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(
        url,
        {
            "title": "Privacy",
            "slug": "privacy",
            "body": "We keep *very little*.\n\n<script>alert(1)</script>",
        },
    )
    assert response.status_code == 302
    page = client.get("/pages/privacy/").content.decode()
    assert "We keep <em>very little</em>." in page
    assert "<script>alert" not in page


def test_moderators_cannot_change_the_pages(moderator_client, site_pages):
    url = f"/admin/pages/page/{site_pages['privacy'].pk}/change/"
    assert moderator_client.get(url).status_code == 403


def test_seed_demo_leaves_an_edited_page_alone(site_pages):
    from django.core.management import call_command

    Page.objects.filter(slug="privacy").update(body="Edited.")
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert Page.objects.get(slug="privacy").body == "Edited."
    assert Page.objects.count() == 2


# What the comment form says about the email address ---------------------------------------


def test_the_email_help_says_only_administrators_see_it(client, seed_article):
    help_text = CommentForm.base_fields["email"].help_text
    assert "moderator" not in help_text.lower()
    assert "administrators" in help_text
    page = page_of(client, seed_article)
    assert page.find(id="id_email_helptext").get_text() == help_text


def test_the_seed_page_with_its_css_and_scripts_is_under_30_kb_compressed(
    client, seed_article, settings
):
    import gzip

    page = page_of(client, seed_article)
    total = len(gzip.compress(client.get(seed_article.get_absolute_url()).content))
    assets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assets += [script["src"] for script in page.find_all("script", src=True)]
    assert len(assets) >= 4
    for url in assets:
        path = settings.BASE_DIR / "static" / url.removeprefix(settings.STATIC_URL)
        total += len(gzip.compress(path.read_bytes()))
    assert total <= 30 * 1024, total
