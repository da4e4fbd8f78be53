"""Staff roles: editors publish, moderators work the comment queue, each nothing more."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.management.commands.setup_roles import ROLES
from articles.models import Article
from comments.models import BannedWord, Comment, ReaderBan
from tests.admin import (
    ARTICLES,
    BANS,
    COMMENTS,
    REACTIONS_PAGE,
    change_url,
    preview_url,
    run_action,
)
from tests.commenting import PENDING, make_comment


def group_permissions(name):
    group = Group.objects.get(name=name)
    return {
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in group.permissions.select_related("content_type")
    }


def test_setup_roles_creates_the_two_groups_with_exactly_their_permissions(db):
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    assert set(Group.objects.values_list("name", flat=True)) == {"Editors", "Moderators"}
    assert group_permissions("Editors") == set(ROLES["Editors"])
    assert group_permissions("Moderators") == set(ROLES["Moderators"])
    assert "Editors: created" in out.getvalue()


def test_setup_roles_run_again_changes_nothing_and_removes_extra_permissions(db):
    call_command("setup_roles", stdout=io.StringIO())
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(*Group.objects.get(name="Moderators").permissions.all())
    call_command("setup_roles", stdout=io.StringIO())
    call_command("setup_roles", stdout=io.StringIO())
    assert Group.objects.count() == 2
    assert group_permissions("Editors") == set(ROLES["Editors"])


def test_the_roles_hold_what_the_issue_lists():
    editors, moderators = set(ROLES["Editors"]), set(ROLES["Moderators"])
    for codename in ("add", "change", "delete", "publish", "view"):
        assert f"articles.{codename}_article" in editors
    assert "comments.view_comment" in editors
    # Comments: they read them, and pick the best (issue 19); they never moderate.
    assert "comments.feature_comment" in editors
    assert not any(
        p.startswith("comments.") and "view" not in p and p != "comments.feature_comment"
        for p in editors
    )
    assert "comments.feature_comment" in moderators
    assert "articles.view_article" in moderators
    assert not any(p.startswith("articles.") and p != "articles.view_article" for p in moderators)
    assert {"comments.moderate_comment", "comments.view_report"} <= moderators
    assert "comments.change_comment" not in moderators  # they decide, they never rewrite


# Anonymous visitors --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/", ARTICLES, COMMENTS, REACTIONS_PAGE, f"{ARTICLES}add/", BANS]
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/admin/login/?next={url}")


def test_an_anonymous_visitor_cannot_preview_or_moderate(client, draft):
    comment = make_comment(draft, status=PENDING)
    assert client.get(preview_url(draft))["Location"].startswith("/admin/login/")
    response = client.post(f"{COMMENTS}{comment.pk}/moderate/", {"decision": "approve"})
    assert response["Location"].startswith("/admin/login/")
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_a_reader_without_staff_status_is_not_let_in(client, django_user_model, db):
    user = django_user_model.objects.create_user(username="reader", password="pw")
    client.force_login(user)
    assert client.get(ARTICLES)["Location"].startswith("/admin/login/")


# Moderators ----------------------------------------------------------------------------


def test_a_moderator_gets_403_on_an_articles_change_form(moderator_client, article):
    assert moderator_client.get(change_url(article)).status_code == 403
    response = moderator_client.post(change_url(article), {"title": "Hijacked"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "A published article"


def test_a_moderator_sees_the_article_list_and_previews_but_cannot_add(moderator_client, draft):
    response = moderator_client.get(ARTICLES)
    assert response.status_code == 200
    assert "A draft" in response.content.decode()
    assert moderator_client.get(preview_url(draft)).status_code == 200
    assert moderator_client.get(f"{ARTICLES}add/").status_code == 403
    assert (
        moderator_client.post(f"{ARTICLES}{draft.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Article.objects.filter(pk=draft.pk).exists()


def test_a_moderator_cannot_publish(moderator_client, draft):
    # The list offers a moderator no action at all, and a forged one does nothing.
    assert moderator_client.get(ARTICLES).context["action_form"] is None
    response = run_action(moderator_client, ARTICLES, "publish_now", [draft])
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_a_moderator_cannot_open_the_reactions_page(moderator_client):
    assert moderator_client.get(REACTIONS_PAGE).status_code == 403


def test_a_moderator_manages_words_and_bans(moderator_client, article):
    response = moderator_client.post("/admin/comments/bannedword/add/", {"word": "scum"})
    assert response.status_code == 302
    assert BannedWord.objects.filter(word="scum").exists()
    response = moderator_client.post(f"{BANS}add/", {"reader_id": "r" * 48, "reason": "Spam"})
    assert response.status_code == 302
    assert ReaderBan.objects.filter(reader_id="r" * 48).exists()


def test_a_moderator_can_moderate(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    run_action(moderator_client, COMMENTS, "approve_comments", [comment])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


# Editors -------------------------------------------------------------------------------


def test_an_editor_can_publish(editor_client, draft, client):
    response = run_action(editor_client, ARTICLES, "publish_now", [draft])
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_an_editor_writes_and_deletes_articles(editor_client, draft):
    assert editor_client.get(f"{ARTICLES}add/").status_code == 200
    assert editor_client.get(change_url(draft)).status_code == 200
    response = editor_client.post(f"{ARTICLES}{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_an_editor_reads_comments_but_cannot_moderate(editor_client, article):
    comment = make_comment(article, status=PENDING)
    response = editor_client.get(COMMENTS)
    assert response.status_code == 200
    assert response.context["action_form"] is None
    run_action(editor_client, COMMENTS, "approve_comments", [comment])
    comment.refresh_from_db()
    assert comment.status == PENDING
    response = editor_client.post(f"{COMMENTS}{comment.pk}/moderate/", {"decision": "approve"})
    assert response.status_code == 403
    assert editor_client.get(f"{COMMENTS}{comment.pk}/ban/").status_code == 403


@pytest.mark.parametrize(
    "url", [BANS, "/admin/comments/bannedword/", "/admin/comments/suspectword/"]
)
def test_an_editor_has_no_business_with_bans_or_word_lists(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_an_editor_without_the_publish_permission_cannot_change_the_status(
    client, django_user_model, draft, roles
):
    writer = django_user_model.objects.create_user(username="writer", is_staff=True)
    editors = Group.objects.get(name="Editors")
    writer.user_permissions.set(editors.permissions.exclude(codename="publish_article"))
    client.force_login(writer)
    page = client.get(change_url(draft)).content.decode()
    assert 'name="status"' not in page
    run_action(client, ARTICLES, "publish_now", [draft])
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


# Superusers ----------------------------------------------------------------------------


def test_a_superuser_keeps_everything(superuser_client, draft):
    comment = make_comment(draft, status=PENDING)
    for url in [ARTICLES, change_url(draft), COMMENTS, change_url(comment), BANS, REACTIONS_PAGE]:
        assert superuser_client.get(url).status_code == 200, url
    run_action(superuser_client, ARTICLES, "publish_now", [draft])
    run_action(superuser_client, COMMENTS, "reject_comments", [comment])
    draft.refresh_from_db()
    comment.refresh_from_db()
    assert (draft.status, comment.status) == (Article.Status.PUBLISHED, Comment.Status.REJECTED)
