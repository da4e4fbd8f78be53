"""Bad input to the comment URL: a clear 4xx, the reader's text kept, nothing stored."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.commenting import (
    PENDING,
    REJECTED,
    comments_url,
    make_comment,
    post_comment,
    post_comment_json,
)
from tests.helpers import html, make_article

FORM_ERROR = "Your comment was not posted: please correct what is marked below."


def field_error(page, field):
    error = page.find(id=f"id_{field}_error")
    return error.get_text(strip=True) if error else None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("body", "", "Write your comment."),
        ("body", "   \n\t  \r\n ", "Write your comment."),
        ("body", "\u200b\u200b", "Write your comment."),
        ("body", "\u3164\ufe0f\u034f", "Write your comment."),  # fillers, selectors
        ("body", "x" * 3001, "Keep your comment to 3,000 characters or fewer (it has 3,001)."),
        (
            "body",
            "Hello\x00world",
            "Your comment contains characters that cannot be used (NUL): please remove them.",
        ),
        (
            "body",
            "Bell\x07 and escape\x1b[31m",
            "Your comment contains characters that cannot be used (U+0007, U+001B): "
            "please remove them.",
        ),
        (
            "body",
            "DEL\x7f",
            "Your comment contains characters that cannot be used (DEL): please remove them.",
        ),
        ("name", "", "Enter your name."),
        ("name", "    ", "Enter your name."),
        ("name", "\u3164", "Enter your name."),  # a Hangul filler shows nothing
        ("name", "n" * 81, "Keep your name to 80 characters or fewer (it has 81)."),
        (
            "name",
            "Ann\x00",
            "Your name contains characters that cannot be used (NUL): please remove them.",
        ),
        (
            "name",
            "Ann\nBob",
            "Your name contains characters that cannot be used (line break): please remove them.",
        ),
        ("email", "not-an-email", "Enter a valid email address, or leave it empty."),
        ("email", "ann@exa\x00mple.org", "Enter a valid email address, or leave it empty."),
    ],
)
def test_a_bad_field_is_marked_beside_it_and_nothing_is_stored(
    client, article, field, value, error
):
    typed = {"name": "Ann", "email": "ann@example.org", "body": "My comment."}
    typed[field] = value
    response = post_comment(client, article, **typed)
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, field) == error
    assert page.find(id="comment-form-errors").get_text(strip=True) == FORM_ERROR
    widget = page.find(attrs={"name": field})
    assert widget["aria-invalid"] == "true"
    assert f"id_{field}_error" in widget["aria-describedby"]
    # What the reader typed in the other fields is kept.
    for other in {"name", "email", "body"} - {field}:
        kept = page.find(attrs={"name": other})
        assert (kept.get("value") or kept.get_text()).strip() == typed[other]
    assert page.find("h1").get_text() == article.title
    assert Comment.objects.count() == 0


def test_the_comment_the_reader_typed_is_kept_after_an_error(client, article):
    response = post_comment(client, article, name="", body="Keep <b>this</b> text.")
    assert response.status_code == 400
    textarea = html(response).find("textarea", attrs={"name": "body"})
    assert textarea.get_text().strip() == "Keep <b>this</b> text."
    assert "Keep &lt;b&gt;this&lt;/b&gt; text." in response.content.decode()


def test_a_comment_of_exactly_3000_characters_is_accepted(client, article):
    assert post_comment(client, article, body="y" * 3000).status_code == 303
    assert len(Comment.objects.get().body) == 3000


def test_line_breaks_count_as_one_character_whatever_the_browser_sends(client, article):
    body = ("a" * 99 + "\r\n") * 30  # 3,000 characters once line breaks are "\n"
    assert post_comment(client, article, body=body).status_code == 303
    assert "\r" not in Comment.objects.get().body


def test_tabs_and_line_breaks_are_kept(client, article):
    post_comment(client, article, body="Line one\n\tindented\n\nNew paragraph")
    assert Comment.objects.get().body == "Line one\n\tindented\n\nNew paragraph"


@pytest.mark.parametrize("parent", ["99999", "abc", "-3", "0", "9" * 25, "1.5"])
def test_a_reply_to_an_unknown_comment_is_refused(client, article, parent):
    response = post_comment(client, article, parent=parent)
    assert response.status_code == 400
    errors = html(response).find(id="comment-form-errors").get_text(" ", strip=True)
    assert "You cannot reply to that comment" in errors
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("status", [PENDING, REJECTED, "spam"])
def test_a_reply_to_a_comment_that_is_not_approved_is_refused(client, article, status):
    parent = make_comment(article, status=status)
    response = post_comment(client, article, parent=str(parent.pk))
    assert response.status_code == 400
    errors = html(response).find(id="comment-form-errors").get_text(" ", strip=True)
    assert "You cannot reply to that comment: it is not shown on this article." in errors
    assert Comment.objects.count() == 1


def test_a_reply_in_a_thread_whose_first_comment_was_removed_is_refused(client, article):
    root = make_comment(article, status=REJECTED)
    reply = make_comment(article, parent=root)
    response = post_comment(client, article, parent=str(reply.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 2


def test_a_reply_to_a_comment_on_another_article_is_refused(client, article):
    elsewhere = make_comment(make_article(slug="another-story"))
    response = post_comment(client, article, parent=str(elsewhere.pk))
    assert response.status_code == 400
    assert "not shown on this article" in html(response).find(id="comment-form-errors").get_text()
    assert Comment.objects.count() == 1


def test_unknown_article_is_not_found(client, db):
    response = client.post("/articles/no-such-story/comments/", {"name": "A", "body": "B"})
    assert response.status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("fixture", ["draft", "scheduled"])
def test_an_unpublished_article_takes_no_comment(client, request, fixture):
    article = request.getfixturevalue(fixture)
    assert post_comment(client, article).status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_the_comment_url_only_takes_post(client, article, method):
    response = getattr(client, method)(comments_url(article))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_post_from_another_site_is_forbidden(article):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        comments_url(article),
        {"name": "Ann", "body": "Forged."},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_a_post_from_the_pages_own_form_is_accepted_without_a_token(article):
    browser = Client(enforce_csrf_checks=True)
    page = html(browser.get(article.get_absolute_url()))
    assert not page.find("form", id="comment-form").find(attrs={"name": "csrfmiddlewaretoken"})
    response = browser.post(
        comments_url(article),
        {"name": "Ann", "body": "From the page."},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 303
    assert Comment.objects.count() == 1


def test_a_closed_article_refuses_comments_with_403(client, closed_article):
    response = post_comment(client, closed_article)
    assert response.status_code == 403
    page = html(response)
    assert page.find(class_="comments-closed").get_text() == "Comments are closed for this article."
    assert (
        "Comments are closed for this article." in page.find(class_="comment-messages").get_text()
    )
    assert not page.find("form", id="comment-form")
    assert Comment.objects.count() == 0


def test_a_closed_article_shows_its_message_instead_of_the_form(client, closed_article):
    make_comment(closed_article, name="Bea")
    page = html(client.get(closed_article.get_absolute_url()))
    closed = page.find(id="comment-form")
    assert closed.name == "p"
    assert closed.get_text() == "Comments are closed for this article."
    assert not page.find(class_="reply-link")
    # Readers can still report what slipped through.
    assert page.find("a", class_="report-link")


def test_json_callers_get_the_errors_as_json(client, article):
    response = post_comment_json(client, article, name="", body="x" * 3001)
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == FORM_ERROR
    assert data["errors"]["name"][0]["message"] == "Enter your name."
    assert data["errors"]["body"][0]["code"] == "max_length"
    assert Comment.objects.count() == 0


def test_json_callers_get_the_closed_refusal_as_json(client, closed_article):
    response = post_comment_json(client, closed_article)
    assert response.status_code == 403
    assert response.json() == {"error": "Comments are closed for this article."}
