"""Staff preview an article as readers will see it, whatever its status; readers can't."""

import pytest

from tests.admin import ARTICLES, preview_url
from tests.helpers import html


@pytest.mark.parametrize("fixture", ["draft", "scheduled", "article"])
def test_an_editor_previews_an_article_as_readers_will_see_it(editor_client, request, fixture):
    article = request.getfixturevalue(fixture)
    response = editor_client.get(preview_url(article))
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("h1").get_text() == article.title
    assert page.select_one(".article-body h2").get_text() == "A subhead"
    assert len(page.select("#reactions button.reaction")) == 9
    banner = page.select_one(".preview-banner")
    assert "Preview" in banner.get_text()
    state = {"draft": "Draft", "scheduled": "Scheduled", "article": "Published"}[fixture]
    assert state in banner.get_text()
    assert banner.select_one("a")["href"] == f"{ARTICLES}{article.pk}/change/"


@pytest.mark.parametrize("fixture", ["draft", "scheduled"])
def test_readers_still_get_404_for_what_is_previewed(client, request, fixture):
    article = request.getfixturevalue(fixture)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(preview_url(article))["Location"].startswith("/admin/login/")


def test_the_preview_is_never_cached_nor_indexed(editor_client, draft):
    response = editor_client.get(preview_url(draft))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert html(response).select_one('meta[name="robots"]')["content"] == "noindex, nofollow"


def test_a_draft_preview_says_it_is_not_published_yet(editor_client, draft):
    page = html(editor_client.get(preview_url(draft)))
    assert page.select_one(".article-header .unpublished").get_text() == "Not published yet"
    assert "not found" in page.select_one(".preview-banner").get_text()


def test_a_moderator_previews_without_a_link_to_the_form(moderator_client, draft):
    page = html(moderator_client.get(preview_url(draft)))
    links = [a["href"] for a in page.select(".preview-banner a")]
    assert links == [ARTICLES]


def test_the_preview_of_an_unknown_article_says_so(editor_client, db):
    response = editor_client.get(f"{ARTICLES}999999/preview/", follow=True)
    assert response.status_code == 200
    assert "doesn’t exist" in " ".join(str(m) for m in response.context["messages"])


def test_moderators_read_articles_in_the_preview_from_the_list(moderator_client, draft):
    page = html(moderator_client.get(ARTICLES))
    assert page.select_one("#result_list a[href$='/change/']") is None
    preview = page.select_one("td.field-preview_link a")
    assert preview["href"] == preview_url(draft)
