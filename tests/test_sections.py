"""Sections: their pages, the article's link to its section, and how staff manage them."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError

from articles.admin import SectionAdmin
from articles.models import Article, Section
from tests.helpers import (
    add_comments,
    add_reactions,
    html,
    make_article,
    make_articles,
    make_section,
)


@pytest.fixture
def world(db):
    return make_section(name="World", description="News from everywhere.")


@pytest.fixture
def politics(db):
    return make_section(name="Politics")


def titles(page):
    return [h2.get_text(strip=True) for h2 in page.select(".article-list > li h2")]


def test_a_section_page_lists_its_published_articles_newest_first(client, world, politics):
    older = make_article(title="Older", slug="older", section=world, publish_in=timedelta(hours=-3))
    newer = make_article(title="Newer", slug="newer", section=world, publish_in=timedelta(hours=-1))
    make_article(title="Elsewhere", slug="elsewhere", section=politics)
    make_article(title="Nowhere", slug="nowhere")
    response = client.get("/sections/world/")
    assert response.status_code == 200
    page = html(response)
    assert page.h1.get_text(strip=True) == "World"
    assert page.find(class_="section-description").get_text() == "News from everywhere."
    assert titles(page) == [newer.title, older.title]
    lead = page.select_one(".article-list > li")
    assert "article-item-lead" in lead["class"]
    assert lead.find(class_="standfirst")


def test_a_section_page_shows_each_articles_time_and_counts(client, world):
    article = make_article(section=world)
    add_comments(article, approved=3, pending=2)
    add_reactions(article, readers=5)
    item = html(client.get("/sections/world/")).select_one(".article-list > li")
    assert datetime.fromisoformat(item.find("time")["datetime"]) == article.published_at
    assert item.find(class_="comment-count").get_text() == "3 comments"
    assert item.find(class_="reaction-total").get_text() == "5 reactions"


def test_drafts_and_scheduled_articles_are_not_on_a_section_page(client, world):
    make_article(title="Public", slug="public", section=world)
    make_article(
        title="Draft", slug="draft", section=world, status=Article.Status.DRAFT, published_at=None
    )
    make_article(title="Later", slug="later", section=world, publish_in=timedelta(days=1))
    assert titles(html(client.get("/sections/world/"))) == ["Public"]


def test_an_empty_section_says_so(client, world):
    response = client.get("/sections/world/")
    assert response.status_code == 200
    assert "Nothing has been published in World yet." in html(response).find(class_="empty").text


def test_a_section_pages_twenty_at_a_time(client, world):
    make_articles(23, section=world)
    first = html(client.get("/sections/world/"))
    assert len(titles(first)) == 20
    assert first.find("a", rel="next")["href"] == "/sections/world/?page=2"
    second = html(client.get("/sections/world/?page=2"))
    assert titles(second) == ["Story number 20", "Story number 21", "Story number 22"]
    assert client.get("/sections/world/?page=3").status_code == 404


def test_an_unknown_section_is_not_found(client, db):
    response = client.get("/sections/no-such-section/")
    assert response.status_code == 404
    assert html(response).h1.get_text(strip=True) == "Page not found"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_section_page_only_reads(client, world, method):
    assert getattr(client, method)("/sections/world/").status_code == 405


@pytest.mark.parametrize("count", [1, 50])
def test_a_section_page_costs_four_queries_whatever_the_number_of_articles(
    client, world, count, django_assert_num_queries
):
    for article in make_articles(count, section=world):
        add_comments(article, approved=1)
        add_reactions(article, readers=1)
    # The section, the page count, the page's articles; the header's sections (then kept
    # until one changes).
    with django_assert_num_queries(4):
        response = client.get("/sections/world/")
    assert len(titles(html(response))) == min(count, 20)


def test_the_article_page_links_to_its_section(client, world):
    article = make_article(section=world)
    link = html(client.get(article.get_absolute_url())).find("article").find(class_="kicker").a
    assert link.get_text() == "World"
    assert link["href"] == "/sections/world/"


def test_an_article_without_a_section_has_no_section_link(client, article):
    assert html(client.get(article.get_absolute_url())).find(class_="kicker") is None


def test_the_front_page_links_each_article_to_its_section(client, world):
    make_article(section=world)
    link = html(client.get("/")).select_one(".article-list .kicker a")
    assert (link.get_text(), link["href"]) == ("World", "/sections/world/")


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Other", "slug": "world"},
        {"name": "World", "slug": "other"},
        {"name": "Blank", "slug": ""},
        {"name": "", "slug": "blank"},
    ],
)
def test_section_slugs_and_names_are_unique_and_not_empty(world, fields):
    with pytest.raises(IntegrityError):
        Section.objects.create(**fields)


def test_a_section_holding_articles_cannot_be_deleted(world, draft):
    draft.section = world
    draft.save()
    with pytest.raises(ProtectedError):
        world.delete()
    draft.delete()
    world.delete()
    assert not Section.objects.exists()


def test_staff_manage_sections_in_the_admin_with_a_slug_from_the_name(admin_client, world):
    assert SectionAdmin.prepopulated_fields == {"slug": ["name"]}
    response = admin_client.get("/admin/articles/section/add/")
    assert response.status_code == 200
    assert "data-prepopulated-fields" in response.content.decode()
    response = admin_client.post(
        "/admin/articles/section/add/", {"name": "Politics", "slug": "politics", "description": ""}
    )
    assert response.status_code == 302
    assert Section.objects.filter(slug="politics").exists()
    changelist = admin_client.get("/admin/articles/section/")
    assert changelist.status_code == 200
    assert "World" in changelist.content.decode()


def test_editors_choose_an_articles_section_in_the_admin(admin_client, world, article):
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert html(response).find("select", attrs={"name": "section"})
