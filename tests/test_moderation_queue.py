"""The moderators' queue: pending comments oldest first, filters, search, bulk decisions."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import services
from comments.models import Comment
from newsroom.admin import EstimatedCountPaginator
from tests.admin import COMMENTS, history, messages_after, rows, run_action
from tests.commenting import APPROVED, PENDING, REJECTED, SPAM, make_comment
from tests.helpers import html, make_article


def received(comment, *, ago):
    """Backdate a comment: it arrived `ago` before now."""
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - ago)
    comment.refresh_from_db()
    return comment


def excerpts(response):
    return [row["comment_text"] for row in rows(response)]


@pytest.fixture
def queue(article):
    """Three pending comments (the oldest first), and one of each other status."""
    return {
        "oldest": received(
            make_comment(article, status=PENDING, body="Oldest."), ago=timedelta(hours=3)
        ),
        "middle": received(
            make_comment(article, status=PENDING, body="Middle."), ago=timedelta(hours=2)
        ),
        "newest": received(
            make_comment(article, status=PENDING, body="Newest."), ago=timedelta(hours=1)
        ),
        "approved": make_comment(article, status=APPROVED, body="Approved one."),
        "rejected": make_comment(article, status=REJECTED, body="Rejected one."),
        "spam": make_comment(article, status=SPAM, body="Spam one."),
    }


# What the queue shows ------------------------------------------------------------------


def test_the_queue_opens_on_pending_comments_oldest_first(moderator_client, queue):
    response = moderator_client.get(COMMENTS)
    assert excerpts(response) == ["Oldest.", "Middle.", "Newest."]
    assert html(response).select_one("h1").get_text() == "The moderation queue: pending comments"
    selected = html(response).select_one("#changelist-filter li.selected a")
    assert selected.get_text(strip=True) == "Pending"


def test_each_row_shows_the_comment_name_article_reason_reports_time_and_decisions(
    moderator_client, article
):
    comment = make_comment(
        article,
        status=PENDING,
        name="Ann",
        body="A short one.\n\nIn two paragraphs.",
        moderation_reason="suspect words: “word”",
        report_count=2,
    )
    page = html(moderator_client.get(COMMENTS))
    headers = [th.get_text(" ", strip=True) for th in page.select("#result_list thead th")]
    assert headers[1:] == [
        "Comment",
        "Name",
        "Article",
        "Why held",
        "Reports",
        "Received",
        "Decide",
    ]
    [row] = rows(moderator_client.get(COMMENTS))
    assert row["comment_text"] == "A short one. In two paragraphs."
    assert row["commenter"] == "Ann"
    assert row["article_title"] == article.title
    assert row["why_held"] == "suspect words: “word”"
    assert row["reports"] == "2"
    cell = page.select_one(".field-decisions")
    assert [b.get_text() for b in cell.select("button")] == ["Approve", "Reject", "Spam"]
    assert [b["aria-label"] for b in cell.select("button")] == [
        "Approve the comment by Ann",
        "Reject the comment by Ann",
        "Mark the comment by Ann as spam",
    ]
    details = cell.select_one("a")
    assert details["href"] == f"{COMMENTS}{comment.pk}/change/"
    assert details["aria-label"] == "Details of the comment by Ann"


def test_a_long_comment_is_whole_in_its_row_folded_after_its_beginning(moderator_client, article):
    body = " ".join(f"word{n}" for n in range(400))
    make_comment(article, status=PENDING, body=body)
    page = html(moderator_client.get(COMMENTS))
    folded = page.select_one(".field-comment_text details")
    summary = folded.select_one("summary")
    assert summary.select_one(".fold-beginning").get_text().startswith("word0 word1")
    assert summary.select_one(".fold-more").get_text() == "more"
    assert folded.select_one("div[dir=auto]").get_text(" ", strip=True) == body


def test_the_articles_title_links_to_the_article(moderator_client, article, draft):
    make_comment(article, status=PENDING)
    make_comment(draft, status=PENDING)
    links = {
        a.get_text(): a["href"]
        for a in html(moderator_client.get(COMMENTS)).select(".field-article_title a")
    }
    assert links == {
        article.title: article.get_absolute_url(),
        draft.title: f"/admin/articles/article/{draft.pk}/preview/",
    }


def test_an_editor_sees_the_queue_without_decisions(editor_client, article):
    make_comment(article, status=PENDING)
    page = html(editor_client.get(COMMENTS))
    assert page.select("#result_list tbody tr")
    assert page.select(".field-decisions") == []
    assert page.select_one("#queue-keys") is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("approved", ["Approved one."]),
        ("rejected", ["Rejected one."]),
        ("spam", ["Spam one."]),
        ("all", ["Spam one.", "Rejected one.", "Approved one.", "Newest.", "Middle.", "Oldest."]),
    ],
)
def test_other_statuses_are_a_filter_away_newest_first(moderator_client, queue, status, expected):
    response = moderator_client.get(COMMENTS, {"status": status})
    assert excerpts(response) == expected
    # Out of the queue, statuses differ: the list shows them.
    assert (
        rows(response)[0]["status"]
        == queue["spam" if status == "all" else status].get_status_display()
    )


def test_the_reported_filter_shows_what_readers_sent_back(moderator_client, queue):
    reported = make_comment(queue["approved"].article, status=APPROVED, body="Reported one.")
    services.approve(comment=reported)
    Comment.objects.filter(pk=reported.pk).update(
        status=PENDING, reported_at=timezone.now(), report_count=3
    )
    response = moderator_client.get(COMMENTS, {"reported": "yes"})
    assert excerpts(response) == ["Reported one."]
    assert rows(response)[0]["reports"] == "3 (back in the queue)"


def test_the_article_filter_narrows_the_queue(moderator_client, queue):
    other = make_article(title="Another story", slug="another-story")
    make_comment(other, status=PENDING, body="On the other story.")
    page = html(moderator_client.get(COMMENTS))
    choices = [
        a.get_text(strip=True) for a in page.select("#changelist-filter details")[3].select("a")
    ]
    assert {"A published article", "Another story"} <= set(choices)
    response = moderator_client.get(COMMENTS, {"article": other.pk})
    assert excerpts(response) == ["On the other story."]


def test_the_article_filter_works_for_an_article_not_in_its_short_list(moderator_client, draft):
    make_comment(draft, status=PENDING, body="On a draft.")
    response = moderator_client.get(COMMENTS, {"article": draft.pk})
    assert excerpts(response) == ["On a draft."]
    assert "A draft" in html(response).select_one("#changelist-filter").get_text()


def test_the_date_filter_narrows_the_queue(moderator_client, article):
    received(make_comment(article, status=PENDING, body="Last month."), ago=timedelta(days=40))
    make_comment(article, status=PENDING, body="Today.")
    page = html(moderator_client.get(COMMENTS))
    today = next(
        a for a in page.select("#changelist-filter a") if a.get_text(strip=True) == "Today"
    )
    assert excerpts(moderator_client.get(f"{COMMENTS}{today['href']}")) == ["Today."]


def test_the_queue_searches_bodies_and_names(moderator_client, article):
    make_comment(article, status=PENDING, name="Zed", body="About the floods.")
    make_comment(article, status=PENDING, name="Floodwatcher", body="Hello.")
    make_comment(article, status=PENDING, name="Amy", body="Nothing to see.")
    assert set(excerpts(moderator_client.get(COMMENTS, {"q": "flood"}))) == {
        "About the floods.",
        "Hello.",
    }


def test_only_superusers_search_by_email(moderator_client, admin_user, article):
    make_comment(article, status=PENDING, email="secret@example.org", body="By email.")
    assert excerpts(moderator_client.get(COMMENTS, {"q": "secret@example"})) == []
    superuser = Client()
    superuser.force_login(admin_user)
    assert excerpts(superuser.get(COMMENTS, {"q": "secret@example"})) == ["By email."]


def test_a_moderator_never_sees_an_email_address(moderator_client, article):
    comment = make_comment(article, status=PENDING, email="secret@example.org")
    for url in (COMMENTS, f"{COMMENTS}{comment.pk}/change/"):
        assert "secret@example.org" not in moderator_client.get(url).content.decode()


# Bulk decisions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "message", "log"),
    [
        ("approve_comments", APPROVED, "2 comments approved, shown to readers now.", "Approved"),
        ("reject_comments", REJECTED, "2 comments rejected.", "Rejected"),
        ("mark_spam", SPAM, "2 comments marked as spam.", "Marked as spam"),
    ],
)
def test_a_bulk_decision_records_who_when_and_a_history_entry_per_comment(
    moderator_client, moderator, queue, action, status, message, log
):
    chosen = [queue["oldest"], queue["newest"]]
    before = timezone.now()
    response = run_action(moderator_client, COMMENTS, action, chosen)
    assert response.status_code == 302
    assert messages_after(response) == [message]
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at >= before
        [entry] = history(comment)
        assert (entry.user, entry.action_flag) == (moderator, CHANGE)
        assert entry.get_change_message() == f"{log} (from the queue)."
    queue["middle"].refresh_from_db()
    assert queue["middle"].status == PENDING
    assert excerpts(moderator_client.get(COMMENTS)) == ["Middle."]


def test_an_approval_shows_on_the_public_page_at_once(moderator_client, article):
    comment = make_comment(article, status=PENDING, body="Worth reading.")
    reader = Client()
    assert "Worth reading." not in reader.get(article.get_absolute_url()).content.decode()
    run_action(moderator_client, COMMENTS, "approve_comments", [comment])
    page = html(reader.get(article.get_absolute_url()))
    assert page.select_one(f"#comment-{comment.pk} .comment-text").get_text() == "Worth reading."


def test_a_rejection_takes_an_approved_comment_off_the_page_at_once(moderator_client, article):
    comment = make_comment(article, status=APPROVED, body="Nasty.")
    reader = Client()
    assert "Nasty." in reader.get(article.get_absolute_url()).content.decode()
    response = run_action(moderator_client, f"{COMMENTS}?status=all", "reject_comments", [comment])
    assert messages_after(response) == ["1 comment rejected."]
    assert "Nasty." not in reader.get(article.get_absolute_url()).content.decode()


def test_approving_a_reported_comment_clears_its_report(moderator_client, article):
    comment = make_comment(article, status=PENDING, reported_at=timezone.now(), report_count=3)
    run_action(moderator_client, COMMENTS, "approve_comments", [comment])
    comment.refresh_from_db()
    assert (comment.status, comment.reported_at) == (APPROVED, None)
    assert excerpts(moderator_client.get(COMMENTS, {"reported": "yes"})) == []


def test_a_decision_already_taken_is_not_taken_twice(moderator_client, queue):
    response = run_action(
        moderator_client,
        f"{COMMENTS}?status=all",
        "approve_comments",
        [queue["approved"], queue["oldest"]],
    )
    assert messages_after(response) == [
        "1 comment approved, shown to readers now. 1 comment was already approved, left as it was."
    ]
    assert history(queue["approved"]) == []


def test_a_stale_queue_leaves_what_another_moderator_decided(moderator_client, queue):
    # Two moderators have the same queue open; the other one rejects "Oldest." first.
    services.reject(comment=queue["oldest"])
    response = run_action(
        moderator_client, COMMENTS, "approve_comments", [queue["oldest"], queue["middle"]]
    )
    assert messages_after(response) == [
        "1 comment approved, shown to readers now. 1 comment was changed by someone else "
        "since the list was shown, left as it was: check the list again."
    ]
    queue["oldest"].refresh_from_db()
    assert queue["oldest"].status == REJECTED


def test_a_bulk_decision_on_deleted_comments_says_so(moderator_client, queue):
    gone = queue["middle"].pk
    Comment.objects.filter(pk=gone).delete()
    response = run_action(moderator_client, COMMENTS, "reject_comments", [gone])
    assert messages_after(response) == ["1 comment was deleted since the list was shown."]


def test_a_bulk_decision_costs_a_bounded_number_of_queries(
    moderator_client, article, django_assert_max_num_queries
):
    comments = [make_comment(article, status=PENDING) for _ in range(20)]
    # A fixed cost, one savepoint-update-release per comment, one insert for the history.
    with django_assert_max_num_queries(12 + 3 * len(comments)):
        run_action(moderator_client, COMMENTS, "approve_comments", comments)
    assert Comment.objects.filter(status=APPROVED).count() == 20


# At scale: the queue's cost does not grow with the table ---------------------------------


def test_the_queue_costs_the_same_queries_for_3_and_120_comments(
    moderator_client, article, django_assert_num_queries
):
    for _ in range(3):
        make_comment(article, status=PENDING)
    moderator_client.get(COMMENTS)
    # Session, user, the user's and the groups' permissions, the article filter's short
    # list, the capped count, the page of comments with their articles, the four views'
    # capped counts.
    with django_assert_num_queries(11):
        assert len(rows(moderator_client.get(COMMENTS))) == 3
    Comment.objects.bulk_create(
        Comment(article=article, name="Reader", body=f"Comment {n}.", status=PENDING)
        for n in range(117)
    )
    with django_assert_num_queries(11):
        assert len(rows(moderator_client.get(COMMENTS))) == 50


def test_the_queue_never_counts_the_whole_table(moderator_client, article):
    make_comment(article, status=PENDING)
    with CaptureQueriesContext(connection) as queries:
        moderator_client.get(COMMENTS)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # The list's own, then the four views' (pending, reported, held by a rule, all).
    assert len(counts) == 5
    for count in counts:
        assert "LIMIT" in count.upper()  # a capped count, never COUNT(*) of everything


def test_past_the_exact_limit_the_count_is_an_estimate_on_postgresql(
    moderator_client, article, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 10)
    Comment.objects.bulk_create(
        Comment(article=article, name="Reader", body=f"Comment {n}.", status=PENDING)
        for n in range(30)
    )
    response = moderator_client.get(COMMENTS)
    count = html(response).select_one(".paginator .result-count").get_text(" ", strip=True)
    if connection.vendor == "postgresql":
        assert response.context["cl"].paginator.estimated
        assert count.startswith("about ")
        assert response.context["cl"].result_count >= 11
    else:  # SQLite, the small embedded setup, counts exactly
        assert count == "30 comments"


def test_the_default_queue_is_served_by_its_partial_index_in_its_order(moderator_client, article):
    for _ in range(5):
        make_comment(article, status=PENDING)
    with CaptureQueriesContext(connection) as queries:
        moderator_client.get(COMMENTS)
    [page_query] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and 'FROM "comments_comment" INNER JOIN "articles_article"' in q["sql"]
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan cheapest: ask what else it would do.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {page_query}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {page_query}")
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "comment_pending_queue_idx" in plan
    assert "Sort" not in plan  # PostgreSQL: the index gives the order
    assert "TEMP B-TREE FOR ORDER BY" not in plan  # SQLite: likewise


# The admin's index ---------------------------------------------------------------------


def test_the_index_shows_the_numbers_of_pending_and_reported_comments(moderator_client, queue):
    Comment.objects.filter(pk=queue["middle"].pk).update(reported_at=timezone.now())
    page = html(moderator_client.get("/admin/"))
    assert page.select_one("#pending-count").get_text() == "3"
    assert page.select_one("#reported-count").get_text() == "1"
    links = [a["href"] for a in page.select("#moderation-queue a")]
    assert links == [COMMENTS, f"{COMMENTS}?reported=yes"]


def test_the_index_caps_its_count_of_a_flooded_queue(moderator_client, article, monkeypatch):
    monkeypatch.setattr("newsroom.admin.QUEUE_COUNT_CAP", 5)
    monkeypatch.setattr("newsroom.admin.capped_count.__defaults__", (5,))
    Comment.objects.bulk_create(
        Comment(article=article, name="Reader", body=f"Comment {n}.", status=PENDING)
        for n in range(8)
    )
    assert html(moderator_client.get("/admin/")).select_one("#pending-count").get_text() == "5+"
