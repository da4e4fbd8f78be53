"""A comment that cannot be replied to is, to a reader, the same as one that does not
exist: whether a hidden comment (pending, removed, on another article) has an id is not
told by the reply form's error, nor by ?reply_to=."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.commenting import (
    PENDING,
    REJECTED,
    SPAM,
    as_reader,
    make_comment,
    post_comment,
    post_comment_json,
)
from tests.helpers import html, make_article

UNUSABLE = ["missing", "pending", "rejected", "spam", "elsewhere", "in_a_removed_thread"]


def unusable_parent(article, kind):
    """The id of a comment of that kind (or of none)."""
    if kind == "missing":
        return (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    if kind == "elsewhere":
        return make_comment(make_article(slug="another-story")).pk
    if kind == "in_a_removed_thread":
        return make_comment(article, parent=make_comment(article, status=REJECTED)).pk
    status = {"pending": PENDING, "rejected": REJECTED, "spam": SPAM}[kind]
    return make_comment(article, status=status).pk


def form_errors(response):
    return html(response).find(id="comment-form-errors").get_text(" ", strip=True)


def test_every_unusable_parent_gets_the_same_error(article):
    answers = set()
    for kind in UNUSABLE:
        parent = unusable_parent(article, kind)
        before = Comment.objects.count()
        response = post_comment(Client(), article, parent=str(parent))
        assert response.status_code == 400, kind
        answers.add(form_errors(response))
        assert Comment.objects.count() == before
    assert len(answers) == 1, answers
    assert "You cannot reply to that comment" in answers.pop()


def test_every_unusable_parent_gets_the_same_json(article):
    answers = set()
    for kind in UNUSABLE:
        response = post_comment_json(Client(), article, parent=str(unusable_parent(article, kind)))
        assert response.status_code == 400, kind
        answers.add(repr(response.json()["errors"]))
    assert len(answers) == 1, answers


def test_the_readers_own_pending_comment_is_no_different(client, article):
    reader_id = as_reader(client)
    own = make_comment(article, status=PENDING, reader_id=reader_id)
    missing = own.pk + 1000
    assert form_errors(post_comment(client, article, parent=str(own.pk))) == form_errors(
        post_comment(client, article, parent=str(missing))
    )


def reply_to_answers(client, article, kind):
    url = f"{article.get_absolute_url()}?reply_to={unusable_parent(article, kind)}"
    response = client.get(url)
    return response.status_code, response.get("Location"), b"Replying to" in response.content


@pytest.mark.parametrize("who", ["no cookie", "reader with a pending comment"])
def test_reply_to_an_unusable_comment_is_the_same_as_to_none(article, who):
    client = Client()
    if who != "no cookie":
        make_comment(article, status=PENDING, reader_id=as_reader(client))
    answers = {kind: reply_to_answers(client, article, kind) for kind in UNUSABLE}
    assert len(set(answers.values())) == 1, answers


def test_reply_to_a_made_up_id_costs_no_render(article, django_assert_max_num_queries):
    shown = make_comment(article)
    Client().get(article.get_absolute_url())
    for pk in range(shown.pk + 1, shown.pk + 6):
        # The article and the target are read; the page is not rendered.
        with django_assert_max_num_queries(2):
            response = Client().get(f"{article.get_absolute_url()}?reply_to={pk}")
        assert response.status_code == 302
        assert response["Location"] == article.get_absolute_url()
    page = Client().get(f"{article.get_absolute_url()}?reply_to={shown.pk}")
    assert page.status_code == 200
    assert html(page).find(id="id_parent")["value"] == str(shown.pk)
