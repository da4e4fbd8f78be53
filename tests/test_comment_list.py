"""The comment list under an article, as readers see it."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import threads
from comments.models import Comment
from comments.threads import comment_list
from tests.commenting import APPROVED, PENDING, REJECTED, SPAM, as_reader, make_comment
from tests.helpers import html, page_of


def comment_list_of(page):
    return page.find(id="comment-list")


def top_level(page):
    return comment_list_of(page).select("ol.comments > li.comment")


def text_of(item):
    return item.find(class_="comment-text").get_text(" ", strip=True)


def test_the_list_reads_no_comments_available_while_none_is_approved(client, article):
    make_comment(article, status=PENDING)
    make_comment(article, status=REJECTED)
    make_comment(article, status=SPAM)
    assert comment_list_of(page_of(client, article)).get_text(strip=True) == (
        "No comments available."
    )


def test_approved_comments_are_shown_oldest_first_with_their_count(client, article):
    start = timezone.now() - timedelta(days=1)
    for n, name in enumerate(["Ann", "Bob", "Cat"]):
        with time_machine.travel(start + timedelta(hours=n)):
            make_comment(article, name=name, body=f"Comment by {name}")
    make_comment(article, status=PENDING, name="Dan")
    page = page_of(client, article)
    assert [item.find(class_="comment-name").get_text() for item in top_level(page)] == [
        "Ann",
        "Bob",
        "Cat",
    ]
    assert page.find(class_="comment-count").get_text() == "3 comments"
    assert not page.find(class_="empty")
    # The section keeps its title, and the count sits in the list.
    assert page.find("h2", string="Comments on this Article:")


def test_one_comment_is_counted_in_the_singular(client, article):
    make_comment(article)
    assert page_of(client, article).find(class_="comment-count").get_text() == "1 comment"


def test_replies_count_too(client, article):
    root = make_comment(article)
    make_comment(article, parent=root)
    make_comment(article, parent=root, status=PENDING)
    assert page_of(client, article).find(class_="comment-count").get_text() == "2 comments"


def test_each_comment_shows_its_time_as_a_datetime_with_a_relative_label(client, article):
    written = timezone.now() - timedelta(hours=3, minutes=5)
    with time_machine.travel(written, tick=False):
        comment = make_comment(article)
    time = page_of(client, article).find(id=f"comment-{comment.pk}").find("time")
    assert time["datetime"] == comment.created_at.isoformat()
    assert time.get_text().replace("\xa0", " ") == "3 hours ago"


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1, seconds=5), "1 minute ago"),
        (timedelta(days=2, hours=5), "2 days ago"),
        (timedelta(days=400), "1 year ago"),
    ],
)
def test_relative_labels_read_naturally(client, article, age, label):
    with time_machine.travel(timezone.now() - age, tick=False):
        comment = make_comment(article)
    time = page_of(client, article).find(id=f"comment-{comment.pk}").find("time")
    assert time.get_text().replace("\xa0", " ") == label


def test_the_body_is_escaped(client, article):
    comment = make_comment(article, body='<script>alert("x")</script> <b onclick="y()">bold</b>')
    item = page_of(client, article).find(id=f"comment-{comment.pk}")
    assert not item.find("script")
    assert not item.find("b")
    assert text_of(item) == '<script>alert("x")</script> <b onclick="y()">bold</b>'


def test_paragraphs_and_line_breaks_are_kept(client, article):
    comment = make_comment(article, body="First line\nsecond line\n\n\nNew paragraph")
    body = page_of(client, article).find(id=f"comment-{comment.pk}").find(class_="comment-text")
    paragraphs = body.find_all("p")
    assert len(paragraphs) == 2
    assert paragraphs[0].find("br")
    assert [p.get_text() for p in paragraphs] == ["First line\nsecond line", "New paragraph"]


def test_bare_urls_become_nofollow_links_and_nothing_else_does(client, article):
    comment = make_comment(
        article,
        body=(
            "Read https://example.org/a?b=1&c=2, or www.example.com. "
            'Not javascript:alert(1) nor "><img src=x onerror=alert(1)> nor me@example.org'
        ),
    )
    item = page_of(client, article).find(id=f"comment-{comment.pk}")
    links = item.find(class_="comment-text").find_all("a")
    assert [a["href"] for a in links] == ["https://example.org/a?b=1&c=2", "http://www.example.com"]
    assert all(a["rel"] == ["nofollow", "ugc", "noopener"] for a in links)
    assert not item.find("img")


def test_long_urls_are_shortened_in_the_link_text(client, article):
    url = "https://example.org/" + "a" * 100
    comment = make_comment(article, body=url)
    link = page_of(client, article).find(id=f"comment-{comment.pk}").find(class_="comment-text").a
    assert link["href"] == url
    assert len(link.get_text()) == 60


def test_each_approved_comment_has_a_reply_link_and_a_report_link(client, article):
    comment = make_comment(article, name="Ann")
    page = page_of(client, article)
    item = page.find(id=f"comment-{comment.pk}")
    reply = item.find("a", class_="reply-link")
    assert reply["href"] == f"/articles/{article.slug}/?reply_to={comment.pk}#comment-form"
    assert reply.get_text(" ", strip=True) == "Reply to Ann"
    report = item.find("a", class_="report-link")
    assert report["href"] == f"/comments/{comment.pk}/flag/"
    assert report.get_text(" ", strip=True) == "Report the comment by Ann"
    # The form the page's script opens under a Report link: once per page, not per comment.
    form = page.find("template", id="report-form-template").find("form")
    assert form["class"] == ["report-form"] and form["method"] == "post"
    reasons = [radio["value"] for radio in form.find_all("input", type="radio")]
    assert reasons == ["spam", "abuse", "off-topic", "other"]
    # (Text inside a <template> is a TemplateString, which get_text() leaves out.)
    assert form.find("button", type="submit").string == "Send report"
    assert "csrfmiddlewaretoken" not in str(page)


def test_replies_are_nested_under_their_comment_oldest_first(client, article):
    root = make_comment(article, name="Ann")
    first = make_comment(article, parent=root, name="Bob")
    second = make_comment(article, parent=root, name="Cat")
    make_comment(article, parent=root, name="Hidden", status=PENDING)
    page = page_of(client, article)
    assert [item["id"] for item in top_level(page)] == [f"comment-{root.pk}"]
    replies = page.find(id=f"comment-{root.pk}").find("ol", class_="replies")
    assert [li["id"] for li in replies.find_all("li")] == [
        f"comment-{first.pk}",
        f"comment-{second.pk}",
    ]
    # A reply's Reply link joins the same thread.
    reply_link = replies.find(id=f"comment-{second.pk}").find(class_="reply-link")
    assert f"reply_to={second.pk}" in reply_link["href"]


@pytest.mark.parametrize("status", [REJECTED, SPAM])
def test_a_removed_comment_with_approved_replies_leaves_a_placeholder(client, article, status):
    removed = make_comment(article, status=status, body="Nasty words")
    reply = make_comment(article, parent=removed, body="A fair answer")
    page = page_of(client, article)
    item = page.find(id=f"comment-{removed.pk}")
    assert item.find(class_="comment-removed").get_text() == "This comment was removed."
    assert "Nasty words" not in str(page)
    assert text_of(item.find(id=f"comment-{reply.pk}")) == "A fair answer"
    # Nobody replies to a removed thread.
    assert not item.find(class_="reply-link")
    assert page.find(class_="comment-count").get_text() == "1 comment"


def test_a_removed_comment_without_approved_replies_leaves_nothing(client, article):
    removed = make_comment(article, status=REJECTED)
    make_comment(article, parent=removed, status=PENDING)
    page = page_of(client, article)
    assert not page.find(id=f"comment-{removed.pk}")
    assert "removed" not in comment_list_of(page).get_text()


def test_a_reported_comment_with_approved_replies_reads_as_being_reviewed(client, article):
    held = make_comment(article, status=PENDING)
    make_comment(article, parent=held)
    item = page_of(client, article).find(id=f"comment-{held.pk}")
    assert item.find(class_="comment-removed").get_text() == (
        "This comment is being reviewed by a moderator."
    )


def test_the_author_sees_their_own_pending_reply_in_its_thread(client, article):
    reader_id = as_reader(client)
    root = make_comment(article)
    mine = make_comment(article, parent=root, status=PENDING, reader_id=reader_id)
    item = page_of(client, article).find(id=f"comment-{mine.pk}")
    assert item.find_parent("ol", class_="replies")
    assert item.find(class_="comment-status").get_text() == "Awaiting moderation"


def test_a_comment_a_moderator_rejected_disappears_for_its_author_too(client, article):
    reader_id = as_reader(client)
    mine = make_comment(article, status=REJECTED, reader_id=reader_id, moderated_at=timezone.now())
    assert not page_of(client, article).find(id=f"comment-{mine.pk}")


def test_the_list_is_paginated_at_50_threads_with_plain_links(client, article):
    threads = [make_comment(article, body=f"Thread {n}") for n in range(51)]
    for thread in threads[:3]:
        make_comment(article, parent=thread)
    first = page_of(client, article)
    assert len(top_level(first)) == 50
    nav = first.find("nav", class_="pagination")
    assert nav["aria-label"] == "Comment pages"
    assert nav.find("a", rel="next")["href"] == f"/articles/{article.slug}/?page=2#comment-list"
    assert not nav.find("a", rel="prev")
    assert "Page 1 of 2" in nav.get_text()
    assert first.find(class_="comment-count").get_text() == "54 comments"

    second = page_of(client, article, "?page=2")
    assert [li["id"] for li in top_level(second)] == [f"comment-{threads[50].pk}"]
    nav = second.find("nav", class_="pagination")
    assert nav.find("a", rel="prev")["href"] == f"/articles/{article.slug}/#comment-list"
    assert not nav.find("a", rel="next")
    reply = second.find(id=f"comment-{threads[50].pk}").find(class_="reply-link")
    assert reply["href"] == (
        f"/articles/{article.slug}/?page=2&reply_to={threads[50].pk}#comment-form"
    )


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=1", "?page=02", "?utm_source=x"])
def test_a_page_number_that_is_not_one_leads_to_the_page_it_means(
    client, article, settings, query, django_assert_num_queries
):
    settings.COMMENTS_PAGE_SIZE = 1
    make_comment(article)
    make_comment(article)
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 301
    expected = "?page=2" if query == "?page=02" else ""
    assert response["Location"] == article.get_absolute_url() + expected
    assert "public" in response["Cache-Control"]


def test_a_page_past_the_last_is_not_found_and_costs_no_render_twice(
    client, article, settings, django_assert_num_queries
):
    settings.COMMENTS_PAGE_SIZE = 1
    make_comment(article)
    make_comment(article)
    assert client.get(article.get_absolute_url() + "?page=99").status_code == 404
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url() + "?page=99").status_code == 404
        assert client.get(article.get_absolute_url() + "?page=98").status_code == 404


def test_no_pagination_links_for_a_single_page(client, article):
    make_comment(article)
    assert not page_of(client, article).find("nav", class_="pagination")


def test_a_reply_link_without_javascript_opens_the_form_as_a_reply(client, article):
    comment = make_comment(article, name="Ann")
    form = page_of(client, article, f"?reply_to={comment.pk}").find("form", id="comment-form")
    banner = form.find(id="replying-to")
    assert "hidden" not in banner.attrs
    assert banner.get_text(" ", strip=True).startswith("Replying to Ann")
    assert form.find("input", attrs={"name": "parent"})["value"] == str(comment.pk)


def test_a_reply_link_to_a_comment_on_another_page_still_works(client, article, settings):
    settings.COMMENTS_PAGE_SIZE = 1
    older = make_comment(article, name="Ann")
    make_comment(article, name="Bob")
    form = page_of(client, article, f"?page=2&reply_to={older.pk}").find("form", id="comment-form")
    assert form.find("input", attrs={"name": "parent"})["value"] == str(older.pk)


@pytest.mark.parametrize("reply_to", ["abc", "99999", "pending"])
def test_a_bad_reply_to_leads_to_the_ordinary_form(client, article, reply_to):
    if reply_to == "pending":
        reply_to = str(make_comment(article, status=PENDING).pk)
    response = client.get(article.get_absolute_url() + f"?reply_to={reply_to}", follow=True)
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    form = html(response).find("form", id="comment-form")
    assert "hidden" in form.find(id="replying-to").attrs
    assert not form.find("input", attrs={"name": "parent"}).get("value")


# Query counts ---------------------------------------------------------------------------


def make_threads(article, total, *, reader_id=""):
    """`total` comments: threads of one comment and four replies, with some held and
    removed ones among them."""
    rows = []
    roots = Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                name=f"Reader {n}",
                body=f"Comment {n}",
                status=REJECTED if n % 7 == 3 else APPROVED,
                reader_id=reader_id if n % 5 == 0 else "",
            )
            for n in range(total // 5)
        ]
    )
    for root in roots:
        rows += [
            Comment(
                article=article,
                parent=root,
                name="Replier",
                body="A reply",
                status=PENDING if k == 3 else APPROVED,
                reader_id=reader_id if k == 3 else "",
            )
            for k in range(4)
        ]
    Comment.objects.bulk_create(rows)
    assert Comment.objects.filter(article=article).count() == total


def count_queries(callable_):
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


@pytest.mark.parametrize("reader_id", ["", "a" * 48])
def test_the_comment_list_costs_a_constant_number_of_queries(article, reader_id):
    def measure():
        return count_queries(lambda: comment_list(article=article, reader_id=reader_id or None))

    empty = measure()
    make_threads(article, 10, reader_id=reader_id)
    ten = measure()
    Comment.objects.all().delete()
    make_threads(article, 1000, reader_id=reader_id)
    thousand = measure()
    assert empty == 1  # the totals; with no thread to show, nothing else
    assert ten == thousand == (4 if reader_id else 3)


@pytest.mark.parametrize("total", [0, 10, 1000])
def test_the_article_page_costs_a_constant_number_of_queries(
    client, article, total, django_assert_num_queries
):
    make_threads(article, total)
    # The article, the reaction counts, the comment totals; and with comments, the page
    # of threads and their replies; the header's sections (then kept with the site's
    # generation).
    with django_assert_num_queries(6 if total else 4):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("total", [10, 1000])
def test_a_readers_article_page_costs_a_constant_number_of_queries(
    client, article, total, django_assert_num_queries
):
    reader_id = as_reader(client)
    make_threads(article, total, reader_id=reader_id)
    # Also the reader's reactions and their reports.
    with django_assert_num_queries(8):
        page = page_of(client, article)
    assert page.find(class_="comment-status")


def busy_article(article, *, threads, held, kept, replies):
    """`threads` approved threads with `replies` approved replies among them, `held`
    threads not approved, and one approved reply to each of `kept` of those (the page
    shows them as placeholders)."""
    now = timezone.now()
    made = Comment.objects.bulk_create(
        Comment(
            article=article,
            name="Reader",
            body="A comment.",
            status=APPROVED if n < threads else REJECTED,
            created_at=now - timedelta(seconds=threads + held - n),
        )
        for n in range(threads + held)
    )
    Comment.objects.bulk_create(
        Comment(article=article, parent=parent, name="Replier", body="A reply.", status=APPROVED)
        for parent in [*made[threads : threads + kept], *made[:replies]]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Comment._meta.db_table}")


def rows_read(plan, alias):
    """How many rows the plan (EXPLAIN ANALYZE, JSON) read from the table under `alias`."""
    read = 0
    if plan.get("Alias") == alias:
        read += plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
    for child in plan.get("Plans", []):
        read += rows_read(child, alias)
    return read


@pytest.mark.parametrize("before", [False, True], ids=["new thread", "reply"])
def test_counting_the_threads_before_a_comment_does_not_read_every_thread(article, before):
    """A reader's new comment is linked to its page: the threads before it are counted on
    every post. The placeholders kept by approved replies are counted from those replies
    and the threads not approved (comment_kept_thread_idx, comment_held_thread_idx), never
    by reading all of a busy article's threads."""
    busy_article(article, threads=3000, held=40, kept=10, replies=2000)
    params = threads.thread_count_params(
        article_id=article.pk,
        reader_id="a-reader",
        before=(timezone.now(), 10**9) if before else None,
    )
    sql = f"SELECT {threads.visible_threads_sql(before=before)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone()[0] == 3000 + 10
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            [[plan]] = cursor.fetchone()
            assert rows_read(plan["Plan"], "thread") <= 40 + 10, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[3] for row in cursor.fetchall()]
            # SQLite, the small embedded setup: every read through an index, none a scan.
            scans = [step for step in plan if step.startswith("SCAN ")]
            assert scans == ["SCAN CONSTANT ROW"], plan


@pytest.mark.parametrize(
    ("status", "moderated"),
    [
        (PENDING, False),
        (PENDING, True),
        (Comment.Status.REJECTED, False),  # turned down by a rule at submission
        (Comment.Status.REJECTED, True),  # by a moderator
        (Comment.Status.SPAM, True),
        (Comment.Status.APPROVED, True),
    ],
)
def test_the_own_comments_rule_is_the_same_in_its_three_forms(article, status, moderated):
    from django.db import connection
    from django.utils import timezone

    from comments import threads

    reader_id = "r" * 48
    comment = make_comment(
        article,
        status=status,
        reader_id=reader_id,
        moderated_at=timezone.now() if moderated else None,
    )
    by_filter = Comment.objects.filter(threads.own_unapproved(reader_id)).exists()
    by_predicate = threads.is_own_unapproved(comment, reader_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Comment._meta.db_table} WHERE {threads.own_unapproved_sql()}",  # noqa: S608
            {"reader": reader_id},
        )
        by_sql = cursor.fetchone()[0] == 1
    assert by_filter == by_predicate == by_sql
    assert by_filter == (status == PENDING or (status != APPROVED and not moderated))


def test_a_reader_whose_comment_a_moderator_rejected_gets_the_cached_page(
    client, article, moderator, django_assert_num_queries
):
    reader_id = as_reader(client)
    comment = make_comment(article, status=PENDING, reader_id=reader_id)
    from comments import services

    services.reject(comment=comment, moderator=moderator)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(1):  # their reactions and the counts; no render
        client.get(article.get_absolute_url())
