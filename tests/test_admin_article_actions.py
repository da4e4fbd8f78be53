"""The article list's actions: publish now, unpublish, close and open comments."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.admin import ARTICLES, history, messages_after, run_action
from tests.commenting import post_comment
from tests.helpers import make_article


def test_publish_now_makes_a_draft_public_at_once(editor_client, editor, draft, client):
    assert client.get(draft.get_absolute_url()).status_code == 404
    before = timezone.now()
    response = run_action(editor_client, ARTICLES, "publish_now", [draft])
    assert response.status_code == 302
    assert messages_after(response) == ["1 article published now."]
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    assert client.get(draft.get_absolute_url()).status_code == 200
    [entry] = history(draft)
    assert (entry.user, entry.action_flag) == (editor, CHANGE)
    assert entry.get_change_message() == "Published now (list action)."


def test_publish_now_brings_a_scheduled_article_forward(editor_client, scheduled, client):
    run_action(editor_client, ARTICLES, "publish_now", [scheduled])
    scheduled.refresh_from_db()
    assert scheduled.published_at <= timezone.now()
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_publish_now_leaves_a_public_article_and_its_time_alone(editor_client, article, draft):
    published_at = article.published_at
    response = run_action(editor_client, ARTICLES, "publish_now", [article, draft])
    assert messages_after(response) == [
        "1 article published now. 1 article was already public, left as it was."
    ]
    article.refresh_from_db()
    assert article.published_at == published_at
    assert history(article) == []


def test_unpublish_sends_an_article_back_to_draft(editor_client, article, client):
    response = run_action(editor_client, ARTICLES, "unpublish", [article])
    assert messages_after(response) == ["1 article unpublished, back to draft."]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    assert history(article)[0].get_change_message() == "Unpublished: back to draft (list action)."


def test_close_comments_refuses_new_comments(editor_client, article, client):
    response = run_action(editor_client, ARTICLES, "close_comments", [article])
    assert messages_after(response) == ["1 article closed to new comments."]
    article.refresh_from_db()
    assert article.comments_mode == Article.CommentsMode.CLOSED
    assert post_comment(client, article).status_code == 403
    assert history(article)[0].get_change_message() == "Closed comments (list action)."


def test_open_comments_reopens_them_pre_moderated(editor_client, closed_article, client):
    response = run_action(editor_client, ARTICLES, "open_comments", [closed_article])
    assert messages_after(response) == ["1 article opened to comments again, pre-moderated."]
    closed_article.refresh_from_db()
    assert closed_article.comments_mode == Article.CommentsMode.PRE_MODERATED
    assert post_comment(client, closed_article).status_code == 303
    assert history(closed_article)[0].get_change_message() == (
        "Opened comments, pre-moderated (list action)."
    )


def test_open_comments_keeps_a_post_moderated_article_as_it_is(editor_client, post_moderated):
    response = run_action(editor_client, ARTICLES, "open_comments", [post_moderated])
    assert messages_after(response) == ["1 article was already open to comments, left as it was."]
    post_moderated.refresh_from_db()
    assert post_moderated.comments_mode == Article.CommentsMode.POST_MODERATED


def test_an_action_on_many_articles_logs_each_one(editor_client, db, django_assert_max_num_queries):
    articles = [
        make_article(title=f"Draft {n}", slug=f"draft-{n}", status="draft", published_at=None)
        for n in range(10)
    ]
    # A fixed cost (session, user, permissions, the list, the history's bulk insert…) and
    # one savepoint-update-release per article changed.
    with django_assert_max_num_queries(11 + 3 * len(articles)):
        response = run_action(editor_client, ARTICLES, "publish_now", articles)
    assert messages_after(response) == ["10 articles published now."]
    assert all(len(history(article)) == 1 for article in articles)
    assert Article.objects.published().count() == 10


def test_an_action_tells_which_ticked_articles_were_deleted_meanwhile(editor_client, draft):
    gone = make_article(title="Gone", slug="gone", status="draft", published_at=None)
    gone_pk = gone.pk
    gone.delete()
    response = run_action(editor_client, ARTICLES, "publish_now", [draft, gone_pk])
    assert messages_after(response) == [
        "1 article published now. 1 article was deleted since the list was shown."
    ]


def test_an_action_on_a_stale_filtered_list_leaves_what_changed_meanwhile(editor_client, draft):
    # The editor lists drafts; someone publishes one; the editor's "unpublish" of it finds
    # it out of the list: nothing is done to it behind their back.
    services.publish_now(article=draft)
    response = run_action(editor_client, f"{ARTICLES}?status=draft", "close_comments", [draft])
    assert messages_after(response) == [
        "1 article was changed by someone else since the list was shown, left as it was: "
        "check the list again."
    ]
    draft.refresh_from_db()
    assert draft.comments_mode == Article.CommentsMode.PRE_MODERATED


@pytest.mark.parametrize(
    ("service", "fields"),
    [
        (services.publish_now, {"status": "draft", "published_at": None}),
        (services.unpublish, {}),
        (services.close_comments, {}),
        (services.open_comments, {"comments_mode": "closed"}),
    ],
)
def test_each_change_moves_the_articles_updated_time(db, service, fields):
    article = make_article(**fields)
    before = article.updated_at
    assert service(article=article) is True
    article.refresh_from_db()
    assert article.updated_at > before
    assert service(article=article) is False


def test_services_take_keyword_arguments_only(article):
    with pytest.raises(TypeError):
        services.publish_now(article)


def test_unpublish_keeps_the_publication_time_and_publishing_again_gives_a_new_one(article):
    first = article.published_at
    services.unpublish(article=article)
    article.refresh_from_db()
    assert article.published_at == first
    services.publish_now(article=article)
    article.refresh_from_db()
    assert article.published_at > first + timedelta(seconds=0)
