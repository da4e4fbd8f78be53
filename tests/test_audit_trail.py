"""One audit trail (issue 19): per comment, who did what, when and why, from posting to
the last decision; per moderator, every decision they made in the admin."""

from django.test import Client

from comments.models import BannedWord, Comment
from tests.commenting import as_reader, post_comment
from tests.helpers import html

COMMENTS = "/admin/comments/comment/"
LOG = "/admin/admin/logentry/"


def trail_rows(client, comment):
    response = client.get(f"{COMMENTS}{comment.pk}/history/")
    assert response.status_code == 200
    page = html(response)
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in page.select("table.audit-trail tbody tr")
    ]


def reported_and_decided(article, moderator_client, settings):
    settings.COMMENTS_MAX_LINKS = 1
    reader = Client()
    as_reader(reader)
    post_comment(
        reader, article, name="Ann", body="See https://a.example and https://b.example now"
    )
    comment = Comment.objects.get()
    moderator_client.post(f"{COMMENTS}{comment.pk}/moderate/", {"decision": "approve"})
    for n in range(2):
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(
            f"/comments/{comment.pk}/flag/", {"reason": "spam"}
        )
    moderator_client.post(f"{COMMENTS}{comment.pk}/moderate/", {"decision": "reject"})
    return comment


def test_a_comments_trail_says_who_did_what_when_and_why(moderator_client, article, settings):
    comment = reported_and_decided(article, moderator_client, settings)
    rows = trail_rows(moderator_client, comment)
    whos = [row[1] for row in rows]
    whats = [row[2] for row in rows]
    assert whos[0] == "the reader" and whats[0] == "posted it as “Ann”"
    assert rows[1][1:3] == ["the rules", "checked it"]
    assert rows[1][3] == "too many links: 2 links (more than 1)"
    assert whos.count("a new reader") == 2
    assert [row[3] for row in rows if row[1] == "a new reader"] == ["Spam", "Spam"]
    assert [who for who in whos if who == "mo"] == ["mo", "mo"]
    assert "Approved" in whats[2]
    assert whos[-1] == "mo"
    assert "Rejected" in whats[-1]


def test_the_history_button_leads_to_the_trail(moderator_client, article, settings):
    comment = reported_and_decided(article, moderator_client, settings)
    page = html(moderator_client.get(f"{COMMENTS}{comment.pk}/change/"))
    link = page.find("a", class_="historylink")
    assert link["href"] == f"{COMMENTS}{comment.pk}/history/"
    trail = html(moderator_client.get(f"{COMMENTS}{comment.pk}/history/"))
    assert trail.select_one("table.audit-trail caption").get_text() == (
        "Who did what to this comment, when and why, oldest first"
    )


def test_a_moderators_decisions_are_listed_and_filtered_by_moderator(
    moderator_client, moderator, article, settings
):
    comment = reported_and_decided(article, moderator_client, settings)
    BannedWord.objects.create(word="scum")
    response = moderator_client.get(LOG, {"user__id__exact": moderator.pk})
    assert response.status_code == 200
    page = html(response)
    rows = page.select("#result_list tbody tr")
    assert len(rows) == 2
    text = rows[0].get_text(" ", strip=True)
    assert "mo" in text and "Rejected" in text  # newest first
    assert rows[0].find("a", href=f"{COMMENTS}{comment.pk}/change/")


def test_the_log_is_read_only_and_for_moderators(
    moderator_client, editor_client, article, settings
):
    reported_and_decided(article, moderator_client, settings)
    page = html(moderator_client.get(LOG))
    assert not page.find("a", class_="addlink")
    assert moderator_client.get(f"{LOG}add/").status_code == 403
    assert editor_client.get(LOG).status_code == 403
    assert Client().get(LOG).status_code == 302


def test_the_trail_of_a_missing_comment_is_a_message_not_an_error(moderator_client, db):
    response = moderator_client.get(f"{COMMENTS}999999/history/")
    assert response.status_code == 302
    assert response["Location"] == COMMENTS


def test_the_trail_costs_a_bounded_number_of_queries(
    moderator_client, article, settings, django_assert_max_num_queries
):
    comment = reported_and_decided(article, moderator_client, settings)
    with django_assert_max_num_queries(12):
        moderator_client.get(f"{COMMENTS}{comment.pk}/history/")


def test_a_rejection_says_the_reason_the_moderator_gave(moderator_client, article):
    reader = Client()
    as_reader(reader)
    post_comment(reader, article, name="Bob", body="Buy my watches.")
    comment = Comment.objects.get()
    moderator_client.post(
        f"{COMMENTS}{comment.pk}/moderate/",
        {"decision": "reject", "rejection_reason": "other", "rejection_note": "Selling things."},
    )
    rows = trail_rows(moderator_client, comment)
    assert rows[-1][1] == "mo"
    assert "Rejected" in rows[-1][2]
    assert rows[-1][3] == "Other: Selling things."
