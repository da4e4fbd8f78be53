"""One comment's page: its article, thread, reports and why it was held; the decisions on
it, "Ban this commenter", and the bans and word lists moderators keep."""

from django.contrib.admin.models import ADDITION, CHANGE
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ReaderBan, Report, SuspectWord
from tests.admin import BANS, COMMENTS, change_url, history, messages_after, run_action
from tests.commenting import (
    APPROVED,
    CLIENT_ADDRESS_HASH,
    PENDING,
    REJECTED,
    SPAM,
    as_reader,
    make_comment,
    post_comment,
)
from tests.helpers import html

BANNED = (
    "You can no longer comment on this site: a moderator has blocked comments from you, "
    "until a moderator lifts the block."
)


def banned_commenter(client, article):
    """A reader who posted a comment, through the site (so it has their id and address)."""
    reader_id = as_reader(client)
    post_comment(client, article, name="Troll", body="Something nasty.")
    return reader_id, Comment.objects.get(name="Troll")


# What the page shows -------------------------------------------------------------------


def test_the_page_shows_the_article_the_thread_and_this_comment_in_it(moderator_client, article):
    root = make_comment(article, status=APPROVED, name="Ann", body="The first word.")
    reply = make_comment(article, status=PENDING, name="Bob", body="A held reply.", parent=root)
    other = make_comment(article, status=APPROVED, name="Cy", body="Another reply.", parent=root)
    page = html(moderator_client.get(change_url(reply)))
    article_link = page.select_one(".field-article_link a")
    assert (article_link["href"], article_link.get_text()) == (
        article.get_absolute_url(),
        article.title,
    )
    assert page.select_one(".field-parent_link a")["href"] == change_url(root)
    thread = page.select_one(".comment-thread")
    names = [a.get_text() for a in thread.select(".thread-meta a")]
    assert names == ["Ann", "Bob", "Cy"]
    current = thread.select_one("[aria-current=true]")
    assert "A held reply." in current.get_text()
    assert "Pending" in current.get_text()
    assert other.body in thread.get_text()


def test_the_page_links_a_drafts_comment_to_the_preview(moderator_client, draft):
    comment = make_comment(draft, status=PENDING)
    link = html(moderator_client.get(change_url(comment))).select_one(".field-article_link a")
    assert link["href"] == f"/admin/articles/article/{draft.pk}/preview/"


def test_the_page_shows_why_the_rules_held_it(moderator_client, article):
    comment = make_comment(
        article,
        status=PENDING,
        moderation_reason="suspect words: “idiot”; too many links: 3 links (more than 2)",
    )
    page = html(moderator_client.get(change_url(comment)))
    reasons = [li.get_text() for li in page.select(".field-rules li")]
    assert reasons == ["suspect words: “idiot”", "too many links: 3 links (more than 2)"]
    assert [li.strong.get_text() for li in page.select(".field-rules li")] == [
        "suspect words",
        "too many links",
    ]


def test_the_page_says_when_no_rule_spoke(moderator_client, article):
    comment = make_comment(article, status=PENDING, moderation_reason="")
    text = html(moderator_client.get(change_url(comment))).select_one(".field-rules").get_text()
    assert "No rule spoke" in text


def test_the_page_lists_the_reports(moderator_client, article):
    comment = make_comment(article, status=PENDING, report_count=2, reported_at=timezone.now())
    Report.objects.create(comment=comment, reader_id="a" * 48, reason="abuse")
    Report.objects.create(comment=comment, reader_id="b" * 48, reason="spam")
    page = html(moderator_client.get(change_url(comment)))
    reports = page.select_one(".comment-reports")
    assert "Readers’ reports (2)" in reports.get_text()
    assert [row.td.get_text() for row in reports.select("tbody tr")] == [
        "Abusive or hateful",
        "Spam",
    ]
    assert "sent back by readers’ reports" in page.select_one(".moderation-state").get_text()


def test_what_the_reader_wrote_is_shown_escaped(moderator_client, article):
    comment = make_comment(
        article, status=PENDING, name="<b>Ann</b>", body="<script>x()</script>\nline"
    )
    page = html(moderator_client.get(change_url(comment)))
    body = page.select_one(".field-body_text .readonly")
    assert body.find("script") is None
    assert "<script>x()</script>" in body.get_text()


def test_a_moderator_cannot_edit_what_the_reader_wrote(moderator_client, article):
    comment = make_comment(article, status=PENDING, name="Ann", body="Original words.")
    page = html(moderator_client.get(change_url(comment)))
    assert page.select("#comment_form textarea, #comment_form input[type=text]") == []
    assert page.select_one("input[name=_save]") is None
    response = moderator_client.post(
        change_url(comment), {"name": "Ann", "body": "Rewritten words.", "status": "approved"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Original words.", PENDING)


# Decisions from the page ---------------------------------------------------------------


def test_the_buttons_approve_reject_or_mark_spam(moderator_client, moderator, article):
    for decision, status in (("approve", APPROVED), ("reject", REJECTED), ("spam", SPAM)):
        comment = make_comment(article, status=PENDING)
        page = html(moderator_client.get(change_url(comment)))
        form = page.select_one("form.moderation-decisions")
        buttons = {b["value"]: b.get_text() for b in form.select("button[name=decision]")}
        assert buttons == {"approve": "Approve", "reject": "Reject", "spam": "Mark as spam"}
        response = moderator_client.post(
            form["action"], {"decision": decision, "next": form.select_one("[name=next]")["value"]}
        )
        assert response.status_code == 302
        assert response["Location"] == COMMENTS
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (status, moderator)
        [entry] = history(comment)
        assert entry.action_flag == CHANGE


def test_a_decision_returns_to_the_queue_as_it_was_filtered(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    url = f"{change_url(comment)}?_changelist_filters=article%3D{article.pk}"
    form = html(moderator_client.get(url)).select_one("form.moderation-decisions")
    response = moderator_client.post(
        form["action"], {"decision": "approve", "next": form.select_one("[name=next]")["value"]}
    )
    assert response["Location"] == f"{COMMENTS}?article={article.pk}"


def test_an_approval_from_the_page_shows_to_readers_at_once(moderator_client, article):
    comment = make_comment(article, status=PENDING, body="Fair point.")
    moderator_client.post(f"{COMMENTS}{comment.pk}/moderate/", {"decision": "approve"})
    assert "Fair point." in Client().get(article.get_absolute_url()).content.decode()


def test_a_decision_already_taken_says_so(moderator_client, article):
    comment = make_comment(article, status=APPROVED)
    response = moderator_client.post(f"{COMMENTS}{comment.pk}/moderate/", {"decision": "approve"})
    assert messages_after(response) == ["This comment was already approved."]
    assert history(comment) == []


def test_an_editor_sees_the_page_without_the_buttons(editor_client, article):
    comment = make_comment(article, status=PENDING)
    page = html(editor_client.get(change_url(comment)))
    assert page.select_one("form.moderation-decisions") is None
    assert "A thoughtful comment." in page.get_text()


# Banning -------------------------------------------------------------------------------


def test_ban_this_commenter_asks_then_bans_their_reader_id_and_address(
    moderator_client, moderator, article
):
    reader = Client()
    reader_id, comment = banned_commenter(reader, article)
    page = html(moderator_client.get(change_url(comment)))
    ban_link = page.select_one("a.ban-link")
    assert ban_link.get_text() == "Ban this commenter"
    confirmation = html(moderator_client.get(ban_link["href"]))
    assert "Troll" in confirmation.select_one(".ban-targets").get_text()
    response = moderator_client.post(ban_link["href"], {"post": "yes", "reason": "Abuse"})
    assert response.status_code == 302
    assert response["Location"] == change_url(comment)
    assert messages_after(response) == ["1 commenter was banned: they can no longer comment."]
    ban = ReaderBan.objects.get()
    assert (ban.reader_id, ban.address_hash) == (reader_id, CLIENT_ADDRESS_HASH)
    assert (ban.reason, ban.created_by, ban.comment) == ("Abuse", moderator, comment)
    assert history(ban)[0].action_flag == ADDITION
    # The reader is refused with a message; a fresh browser on the same address (someone
    # else in the office, or the reader without their cookie) is held for a moderator.
    response = post_comment(reader, article, body="Let me back in.")
    assert response.status_code == 403
    assert BANNED in response.content.decode()
    assert post_comment(Client(), article, body="New cookie.").status_code == 303
    held = Comment.objects.get(body="New cookie.")
    assert held.moderation_reason == "network: posted from the address of a banned commenter"
    page = html(moderator_client.get(change_url(comment)))
    assert page.select_one("a.ban-link") is None
    assert "This commenter is banned" in page.select_one(".ban-state").get_text()


def test_the_ban_page_changes_nothing_until_confirmed(moderator_client, article):
    _, comment = banned_commenter(Client(), article)
    assert moderator_client.get(f"{COMMENTS}{comment.pk}/ban/").status_code == 200
    assert not ReaderBan.objects.exists()


def test_the_ban_action_asks_then_bans_each_commenter_once(moderator_client, article):
    first, second = Client(), Client()
    _, a = banned_commenter(first, article)
    as_reader(second)
    post_comment(second, article, name="Other", body="Another one.")
    b = Comment.objects.get(name="Other")
    again = make_comment(
        article, status=PENDING, reader_id=a.reader_id, address_hash=a.address_hash
    )
    response = run_action(moderator_client, COMMENTS, "ban_commenters", [a, b, again])
    assert response.status_code == 200
    assert "Ban these commenters?" in response.content.decode()
    assert not ReaderBan.objects.exists()
    response = run_action(
        moderator_client, COMMENTS, "ban_commenters", [a, b, again], post="yes", reason="Raid"
    )
    assert response.status_code == 302
    assert messages_after(response) == ["2 commenters were banned: they can no longer comment."]
    assert ReaderBan.objects.count() == 2
    response = run_action(moderator_client, COMMENTS, "ban_commenters", [a], post="yes")
    assert messages_after(response) == ["1 commenter was already banned, left as before."]


def test_a_comment_without_reader_or_address_cannot_be_banned(moderator_client, article):
    comment = make_comment(article, status=PENDING, reader_id="", address_hash="")
    response = moderator_client.post(f"{COMMENTS}{comment.pk}/ban/", {"post": "yes"})
    assert "could not be banned" in messages_after(response)[0]
    assert not ReaderBan.objects.exists()


def test_bans_are_listed_and_lifted(moderator_client, moderator, article):
    reader = Client()
    _, comment = banned_commenter(reader, article)
    moderator_client.post(f"{COMMENTS}{comment.pk}/ban/", {"post": "yes", "reason": "Abuse"})
    ban = ReaderBan.objects.get()
    listed = html(moderator_client.get(BANS, {"state": "active"}))
    assert "Active" in listed.select_one("td.field-state").get_text()
    response = run_action(moderator_client, BANS, "lift_bans", [ban])
    assert messages_after(response) == ["1 ban lifted: those readers may comment again."]
    ban.refresh_from_db()
    assert (ban.is_active, ban.lifted_by) == (False, moderator)
    assert history(ban)[-1].get_change_message() == "Lifted the ban."
    assert post_comment(reader, article, body="I am back.").status_code == 303
    response = run_action(moderator_client, BANS, "lift_bans", [ban])
    assert messages_after(response) == ["1 ban was already lifted, left as it was."]
    assert html(moderator_client.get(BANS, {"state": "active"})).select("td.field-state") == []
    lifted = html(moderator_client.get(BANS, {"state": "lifted"}))
    assert lifted.select_one("td.field-state").get_text() == "Lifted"


def test_a_bans_target_cannot_be_edited_only_lifted(moderator_client, article):
    ban = ReaderBan.objects.create(reader_id="r" * 48, reason="Spam")
    page = html(moderator_client.get(change_url(ban)))
    assert page.select_one("input[name=reader_id]") is None
    assert page.select_one("input[name=lifted_at_0]") is None
    assert page.select_one("input[name=reason]") is not None


# Word lists ----------------------------------------------------------------------------


def test_a_suspect_word_added_by_a_moderator_holds_the_next_comment(
    moderator_client, post_moderated
):
    reader = Client()
    reader_id = as_reader(reader)
    make_comment(post_moderated, reader_id=reader_id, status=APPROVED)  # a known reader
    response = moderator_client.post("/admin/comments/suspectword/add/", {"word": "crypto"})
    assert response.status_code == 302
    post_comment(reader, post_moderated, body="Buy crypto now.")
    held = Comment.objects.latest("id")
    assert (held.status, held.moderation_reason) == (PENDING, "suspect words: “crypto”")
    # Taken off the list, the word no longer holds the next comment.
    word = SuspectWord.objects.get()
    moderator_client.post(f"/admin/comments/suspectword/{word.pk}/delete/", {"post": "yes"})
    post_comment(reader, post_moderated, body="Crypto is a word again.")
    assert Comment.objects.latest("id").status == APPROVED


def test_the_moderator_sees_the_listed_word_that_a_disguised_one_matched(
    moderator_client, post_moderated
):
    moderator_client.post("/admin/comments/bannedword/add/", {"word": "Scumbag"})
    post_comment(Client(), post_moderated, body="What a \u0455\u200bcumb\u0430g.")
    comment = Comment.objects.get()
    assert comment.status == REJECTED
    page = html(moderator_client.get(change_url(comment)))
    assert [li.get_text() for li in page.select(".field-rules li")] == [
        "banned words: “Scumbag”",
        "first comment: no approved comment from this reader yet",
    ]


def test_reports_are_listed_for_moderators(moderator_client, article):
    comment = make_comment(article, status=PENDING, body="Reported text.")
    Report.objects.create(comment=comment, reader_id="a" * 48, reason="abuse")
    page = html(moderator_client.get("/admin/comments/report/"))
    link = page.select_one("td.field-comment_link a, th.field-comment_link a")
    assert link["href"] == change_url(comment)
    assert moderator_client.get("/admin/comments/report/add/").status_code == 403
