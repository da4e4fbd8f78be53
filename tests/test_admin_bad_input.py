"""Bad input in the admin: clear messages, never a server error, nothing half done."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles.admin import ArticleAdmin
from articles.models import Article
from comments.models import Comment
from tests.admin import ARTICLES, COMMENTS, change_url, messages_after, preview_url, run_action
from tests.commenting import PENDING, make_comment
from tests.helpers import html, make_article
from tests.test_admin_articles import article_form

NOTHING_SELECTED = (
    "Items must be selected in order to perform actions on them. No items have been changed."
)


@pytest.mark.parametrize(
    ("url", "action"), [(ARTICLES, "publish_now"), (COMMENTS, "approve_comments")]
)
def test_an_action_on_an_empty_selection_says_so(superuser_client, article, url, action):
    response = superuser_client.post(url, {"action": action, "index": 0})
    assert response.status_code == 302
    assert messages_after(response) == [NOTHING_SELECTED]


@pytest.mark.parametrize(("url", "action"), [(ARTICLES, "publish_now"), (COMMENTS, "mark_spam")])
def test_a_tampered_selection_is_refused_with_a_message(superuser_client, draft, url, action):
    response = superuser_client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: ["1", "not-an-id"], "index": 0}
    )
    assert response.status_code == 302
    assert messages_after(response) == [
        "The selection was not understood: no items have been changed."
    ]
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_an_unknown_action_changes_nothing(superuser_client, draft):
    response = run_action(superuser_client, ARTICLES, "drop_tables", [draft])
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


# The article form ----------------------------------------------------------------------


def test_a_slug_that_collides_is_a_clear_form_error(editor_client, article):
    response = editor_client.post(f"{ARTICLES}add/", article_form(slug=article.slug))
    assert response.status_code == 200
    errors = html(response).select_one(".field-slug .errorlist").get_text()
    assert (
        errors == f"Another article already has this slug (“{article.title}”): choose another one."
    )
    assert Article.objects.count() == 1


def test_a_slug_with_spaces_or_empty_is_a_form_error(editor_client, db):
    for slug in ("not a slug", ""):
        response = editor_client.post(f"{ARTICLES}add/", article_form(slug=slug))
        assert response.status_code == 200
        assert html(response).select_one(".field-slug .errorlist") is not None
    assert not Article.objects.exists()


def test_a_slug_taken_at_the_same_moment_is_a_message_not_a_server_error(
    editor_client, db, monkeypatch
):
    # Another editor saves an article with the same slug between this form's checks and
    # its insert: the database's unique constraint refuses the second one.
    save_model = ArticleAdmin.save_model

    def concurrent_save(self, request, obj, form, change):
        make_article(title="The other one", slug=obj.slug)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", concurrent_save)
    response = editor_client.post(f"{ARTICLES}add/", article_form())
    assert response.status_code == 302
    assert response["Location"] == f"{ARTICLES}add/"
    assert messages_after(response)[0].startswith("The article was not saved: another change")
    assert not Article.objects.exists()


def test_a_stale_form_does_not_overwrite_a_newer_version(editor_client, article):
    opened = html(editor_client.get(change_url(article))).select_one("[name=version]")["value"]
    # Meanwhile, another editor changes the title.
    article.title = "Their newer title"
    article.save()
    response = editor_client.post(
        change_url(article),
        article_form(
            title="My older edit",
            slug=article.slug,
            status="published",
            published_at=article.published_at,
            version=opened,
        ),
    )
    assert response.status_code == 200
    error = html(response).select_one(".errornote + .errorlist, ul.errorlist.nonfield").get_text()
    assert "Someone else saved this article" in error
    assert "Your changes were not saved" in error
    # What the editor typed is still in the form, to copy.
    assert html(response).select_one("#id_title")["value"] == "My older edit"
    article.refresh_from_db()
    assert article.title == "Their newer title"


def test_a_list_action_also_makes_an_open_form_stale(editor_client, article):
    opened = html(editor_client.get(change_url(article))).select_one("[name=version]")["value"]
    run_action(editor_client, ARTICLES, "close_comments", [article])
    response = editor_client.post(
        change_url(article),
        article_form(
            slug=article.slug, status="published", published_at=article.published_at, version=opened
        ),
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.comments_mode == Article.CommentsMode.CLOSED


HOSTILE_BODY = """Intro paragraph.

<script>alert("body")</script>

<img src=x onerror="alert('img')">

[click me](javascript:alert('link'))

<a href="JaVaScRiPt:alert(1)" onclick="alert(2)">raw link</a>

<iframe src="https://evil.example/"></iframe>

[fine](https://example.org/)
"""


def test_raw_html_scripts_and_javascript_links_are_sanitised_with_a_warning(
    editor_client, client, db
):
    response = editor_client.post(
        f"{ARTICLES}add/", article_form(body=HOSTILE_BODY, status="published")
    )
    assert response.status_code == 302
    warning = next(m for m in messages_after(response) if "markup in the body was removed" in m)
    removed_parts = (
        "<script>",
        "a picture not from our media (x)",
        "<iframe>",
        "the onerror attribute",
        "a javascript: link",
    )
    for removed in removed_parts:
        assert removed in warning
    article = Article.objects.get()
    stored = article.body_html.lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert bad not in stored
    page = html(client.get(article.get_absolute_url()))
    body = page.select_one(".article-body")
    assert body.find("script") is None
    assert [a.get("href") for a in body.find_all("a")] == [None, None, "https://example.org/"]
    assert "click me" in body.get_text()


def test_plain_markdown_brings_no_warning(editor_client, db):
    response = editor_client.post(f"{ARTICLES}add/", article_form())
    assert not [m for m in messages_after(response) if "removed" in m]


def test_a_preview_of_a_hostile_body_runs_nothing(editor_client, db):
    editor_client.post(f"{ARTICLES}add/", article_form(body=HOSTILE_BODY))
    page = html(editor_client.get(preview_url(Article.objects.get())))
    assert page.select_one(".article-body script") is None
    assert "alert(" not in str(page.select_one(".article-body")).replace("alert('link')", "")


def test_an_unknown_article_or_comment_redirects_with_a_message(superuser_client, db):
    for url in (f"{ARTICLES}424242/change/", f"{COMMENTS}424242/change/"):
        response = superuser_client.get(url, follow=True)
        assert response.status_code == 200
        assert "doesn’t exist" in " ".join(str(m) for m in response.context["messages"])


# The queue -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"article": "not-a-number"},
        {"reported": "maybe"},
        {"created_at__gte": "not-a-date"},
        {"o": "99"},
        {"p": "9999"},
        {"q": "a\x00b"},
    ],
)
def test_odd_queue_parameters_never_break_the_queue(moderator_client, article, query):
    make_comment(article, status=PENDING)
    response = moderator_client.get(COMMENTS, query, follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", [{"q": "flood\x00s"}, {"comments_mode__exact": "\x00"}, {"status\x00": "draft"}]
)
def test_nul_characters_in_a_list_address_are_dropped(editor_client, article, query):
    # PostgreSQL refuses NUL in any text: the list redirects to the address without them.
    response = editor_client.get(ARTICLES, query)
    assert response.status_code == 302
    assert "%00" not in response["Location"]
    assert editor_client.get(response["Location"]).status_code == 200


def test_a_decision_needs_post_and_a_known_decision(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    url = f"{COMMENTS}{comment.pk}/moderate/"
    assert moderator_client.get(url).status_code == 405
    response = moderator_client.post(url, {"decision": "delete"})
    assert response.status_code == 302
    assert messages_after(response) == ["Choose approve, reject or spam."]
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_a_decision_on_a_deleted_comment_says_so(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    url = f"{COMMENTS}{comment.pk}/moderate/"
    Comment.objects.filter(pk=comment.pk).delete()
    response = moderator_client.post(url, {"decision": "approve"}, follow=True)
    assert response.status_code == 200
    assert "doesn’t exist" in " ".join(str(m) for m in response.context["messages"])


def test_a_decision_never_redirects_off_the_site(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    response = moderator_client.post(
        f"{COMMENTS}{comment.pk}/moderate/",
        {"decision": "approve", "next": "https://evil.example/"},
    )
    assert response["Location"] == COMMENTS


def test_a_word_already_on_the_list_is_a_clear_error(moderator_client, db):
    moderator_client.post("/admin/comments/bannedword/add/", {"word": "Scum"})
    response = moderator_client.post("/admin/comments/bannedword/add/", {"word": "  scum "})
    assert response.status_code == 200
    assert "This word is already on the list: “Scum” matches the same text." in (
        response.content.decode()
    )


def test_a_ban_without_a_target_is_a_clear_error(moderator_client, db):
    response = moderator_client.post("/admin/comments/readerban/add/", {"reason": "Nobody"})
    assert response.status_code == 200
    assert "Give the reader id, the address hash, or both." in response.content.decode()
