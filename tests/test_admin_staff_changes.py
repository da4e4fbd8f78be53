"""Whatever staff change in the admin (actions, forms, deletes of one row or many) shows
on the public pages within the stated bounds, and leaves every counter right: an article's
reaction counts, a comment's report count."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import BannedWord, Comment, Report
from reactions.models import Reaction, ReactionCount
from reactions.services import reaction_counts
from tests.admin import ARTICLES, COMMENTS, change_url, messages_after, run_action
from tests.commenting import PENDING, REJECTED, make_comment, post_comment
from tests.helpers import add_reactions, html, page_of, tap

REACTIONS = "/admin/reactions/reaction/"
REPORTS = "/admin/comments/report/"


def shown_ids(article):
    """The comments a reader without cookies sees on the article's page."""
    return [item["id"] for item in page_of(Client(), article).select("#comment-list li.comment")]


def joy_count(article):
    page = page_of(Client(), article)
    button = page.select_one('#reactions button[value="joy"]')
    return int(button.find(class_="reaction-count").get_text())


def delete_selected(client, url, objects):
    """The list's "Delete selected" action, confirmed, as staff click it."""
    confirmation = run_action(client, url, "delete_selected", objects)
    assert confirmation.status_code == 200
    assert "Are you sure you want to delete" in confirmation.content.decode()
    return run_action(client, url, "delete_selected", objects, post="yes")


# Comments ---------------------------------------------------------------------------------


def test_comments_deleted_from_the_list_leave_the_page_at_once(superuser_client, article):
    kept = make_comment(article, body="Stays.")
    gone = [make_comment(article, body="Goes."), make_comment(article, body="Goes too.")]
    assert len(shown_ids(article)) == 3
    response = delete_selected(superuser_client, f"{COMMENTS}?status=approved", gone)
    assert response.status_code == 302
    assert Comment.objects.get() == kept
    assert shown_ids(article) == [f"comment-{kept.pk}"]


def test_a_thread_deleted_from_the_list_takes_its_replies_off_the_page(superuser_client, article):
    root = make_comment(article, body="The first.")
    make_comment(article, parent=root, body="A reply.")
    assert len(shown_ids(article)) == 2
    delete_selected(superuser_client, f"{COMMENTS}?status=approved", [root])
    assert shown_ids(article) == []


def test_a_comment_deleted_from_its_page_leaves_the_article_page_at_once(superuser_client, article):
    comment = make_comment(article)
    assert shown_ids(article) == [f"comment-{comment.pk}"]
    response = superuser_client.post(f"{COMMENTS}{comment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert shown_ids(article) == []


def test_moderators_cannot_delete_comments(moderator_client, article):
    comment = make_comment(article)
    actions = html(moderator_client.get(COMMENTS)).select('select[name="action"] option')
    assert "delete_selected" not in [option["value"] for option in actions]
    run_action(
        moderator_client, f"{COMMENTS}?status=approved", "delete_selected", [comment], post="yes"
    )
    assert (
        moderator_client.post(f"{COMMENTS}{comment.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Comment.objects.filter(pk=comment.pk).exists()


# Reports ----------------------------------------------------------------------------------


def _reports(comment, n):
    return [
        Report.objects.create(comment=comment, reader_id=f"{i:048x}", reason="spam")
        for i in range(n)
    ]


def test_reports_deleted_from_the_list_come_off_the_comments_count(superuser_client, article):
    comment = make_comment(article)
    reports = _reports(comment, 3)
    Comment.objects.filter(pk=comment.pk).update(report_count=3)
    delete_selected(superuser_client, REPORTS, reports[:2])
    comment.refresh_from_db()
    assert comment.report_count == 1
    page = html(superuser_client.get(change_url(comment)))
    assert "Readers’ reports (1)" in page.get_text()


def test_a_report_deleted_from_its_page_comes_off_the_comments_count(superuser_client, article):
    comment = make_comment(article)
    (report,) = _reports(comment, 1)
    Comment.objects.filter(pk=comment.pk).update(report_count=1)
    response = superuser_client.post(f"{REPORTS}{report.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.report_count == 0


# Reactions --------------------------------------------------------------------------------


def test_reactions_deleted_from_the_list_come_off_the_count_on_the_page(superuser_client, article):
    add_reactions(article, readers=6, keys=("joy", "smile"))
    assert joy_count(article) == 6
    joys = list(Reaction.objects.filter(key="joy").order_by("pk")[:5])
    response = delete_selected(superuser_client, REACTIONS, joys)
    assert response.status_code == 302
    assert reaction_counts(article)["joy"] == 1
    assert reaction_counts(article)["smile"] == 6
    assert joy_count(article) == 1
    assert "Successfully deleted 5 reactions." in " ".join(messages_after(response))


def test_all_reactions_deleted_from_the_list_leave_counts_of_zero(superuser_client, article):
    add_reactions(article, readers=3, keys=("joy",))
    run_action(superuser_client, REACTIONS, "delete_selected", [], select_across="1")
    response = run_action(
        superuser_client,
        REACTIONS,
        "delete_selected",
        list(Reaction.objects.all()),
        select_across="1",
        post="yes",
    )
    assert response.status_code == 302
    assert not Reaction.objects.exists()
    assert ReactionCount.objects.get(article=article, key="joy").count == 0
    assert joy_count(article) == 0


def test_a_reaction_deleted_from_its_page_comes_off_the_count(superuser_client, article):
    add_reactions(article, readers=2, keys=("joy",))
    assert joy_count(article) == 2
    reaction = Reaction.objects.first()
    response = superuser_client.post(f"{REACTIONS}{reaction.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert reaction_counts(article)["joy"] == 1
    assert joy_count(article) == 1


def test_a_reader_can_tap_again_after_staff_deleted_their_reaction(superuser_client, article):
    reader = Client()
    tap(reader, article)
    superuser_client.post(f"{REACTIONS}{Reaction.objects.get().pk}/delete/", {"post": "yes"})
    assert tap(reader, article).json()["counts"]["joy"] == 1
    assert joy_count(article) == 1


def test_reactions_cannot_be_added_or_edited_in_the_admin(superuser_client, article):
    add_reactions(article, readers=1, keys=("joy",))
    assert superuser_client.get(f"{REACTIONS}add/").status_code == 403
    reaction = Reaction.objects.get()
    response = superuser_client.post(change_url(reaction), {})
    assert response.status_code == 403
    assert reaction_counts(article)["joy"] == 1


# Articles and word lists ------------------------------------------------------------------


def _gone_at_once(client, article):
    assert Client().get(article.get_absolute_url()).status_code == 200
    assert article.title in Client().get("/").content.decode()
    response = delete_selected(client, ARTICLES, [article])
    assert response.status_code == 302
    assert Client().get(article.get_absolute_url()).status_code == 404
    assert article.title not in Client().get("/").content.decode()


def test_articles_deleted_from_the_list_are_gone_at_once(editor_client, article):
    _gone_at_once(editor_client, article)


def test_articles_deleted_with_their_responses_are_gone_at_once(superuser_client, article):
    make_comment(article)
    add_reactions(article, readers=2, keys=("joy",))
    _gone_at_once(superuser_client, article)
    assert not ReactionCount.objects.exists()


def test_a_banned_word_deleted_from_the_list_stops_counting_at_once(
    moderator_client, article, client
):
    words = [BannedWord.objects.create(word="scumbag"), BannedWord.objects.create(word="troll")]
    post_comment(Client(), article, body="You scumbag.")
    assert Comment.objects.get().status == REJECTED
    delete_selected(moderator_client, "/admin/comments/bannedword/", words)
    post_comment(Client(), article, body="You scumbag, again.")
    assert Comment.objects.latest("pk").status == PENDING


def test_deleting_more_reactions_costs_no_more_queries(superuser_client, article):
    add_reactions(article, readers=40, keys=("joy",))
    reactions = list(Reaction.objects.order_by("pk"))
    run_action(superuser_client, REACTIONS, "delete_selected", reactions[:1], post="yes")
    with CaptureQueriesContext(connection) as few:
        run_action(superuser_client, REACTIONS, "delete_selected", reactions[1:3], post="yes")
    with CaptureQueriesContext(connection) as many:
        run_action(superuser_client, REACTIONS, "delete_selected", reactions[3:], post="yes")
    assert len(many) == len(few)
    assert joy_count(article) == 0
