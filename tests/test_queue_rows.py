"""The queue's rows and views: Approve, Reject and Spam on every row (a POST that comes back
to the same place in the queue, or JSON for the queue's script), the views with their
counts, and why each comment waits."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.models import CHANGE
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from comments.models import Comment, Report
from tests.admin import COMMENTS, history, messages_after, rows
from tests.commenting import APPROVED, PENDING, REJECTED, SPAM, make_comment, post_comment
from tests.helpers import JSON, html, make_article


def received(comment, *, ago):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - ago)
    return comment


def texts(response):
    return [row["comment_text"] for row in rows(response)]


def button(page, comment, decision):
    """The row's button for a decision, as the queue shows it."""
    row = page.select_one(f"#comment-{comment.pk}").find_parent("tr")
    return row.select_one(f"button.row-decision[value={decision}]")


def press(client, list_url, comment, decision, **extra):
    """Press a row's button on the list at `list_url`: its form posts to the button's
    formaction, with the decision."""
    page = html(client.get(list_url))
    found = button(page, comment, decision)
    return client.post(found["formaction"], {"decision": found["value"]}, **extra)


@pytest.fixture
def three(article):
    return [
        received(make_comment(article, status=PENDING, name=name, body=f"By {name}."), ago=ago)
        for name, ago in (
            ("Ann", timedelta(hours=3)),
            ("Bob", timedelta(hours=2)),
            ("Cy", timedelta(hours=1)),
        )
    ]


# A row's decisions, without JavaScript ----------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "status", "done", "log"),
    [
        ("approve", APPROVED, "approved, shown to readers now", "Approved"),
        ("reject", REJECTED, "rejected", "Rejected"),
        ("spam", SPAM, "marked as spam", "Marked as spam"),
    ],
)
def test_a_rows_decision_comes_back_to_the_queue_at_the_next_row(
    moderator_client, moderator, three, decision, status, done, log
):
    ann, bob, cy = three
    list_url = f"{COMMENTS}?article={ann.article_id}"
    response = press(moderator_client, list_url, ann, decision)
    assert response.status_code == 302
    assert response["Location"] == f"{list_url}#comment-{bob.pk}"
    assert [strip_tags(m) for m in messages_after(response)] == [f"The comment by Ann was {done}."]
    ann.refresh_from_db()
    assert (ann.status, ann.moderated_by) == (status, moderator)
    [entry] = history(ann)
    assert (entry.user, entry.action_flag) == (moderator, CHANGE)
    assert entry.get_change_message() == f"{log} (from the queue)."
    assert texts(moderator_client.get(response["Location"])) == ["By Bob.", "By Cy."]


def test_the_last_rows_decision_comes_back_at_the_row_before(moderator_client, three):
    ann, bob, cy = three
    response = press(moderator_client, COMMENTS, cy, "reject")
    assert response["Location"] == f"{COMMENTS}#comment-{bob.pk}"


def test_a_decision_keeps_the_page_and_an_emptied_last_page_goes_to_the_one_before(
    moderator_client, article
):
    Comment.objects.bulk_create(
        Comment(article=article, name=f"Reader {n}", body=f"Comment {n}.", status=PENDING)
        for n in range(101)
    )
    last = Comment.objects.order_by("-id").first()
    response = press(moderator_client, f"{COMMENTS}?p=3", last, "approve")
    assert response["Location"] == f"{COMMENTS}?p=3"
    gone = moderator_client.get(response["Location"])
    assert gone.status_code == 302
    assert parse_qs(urlsplit(gone["Location"]).query) == {"p": ["2"]}
    assert len(rows(moderator_client.get(gone["Location"]))) == 50


def test_a_decision_already_made_is_not_made_twice(moderator_client, three):
    ann = three[0]
    page = html(moderator_client.get(COMMENTS))
    found = button(page, ann, "approve")
    moderator_client.post(found["formaction"], {"decision": "approve"})
    response = moderator_client.post(found["formaction"], {"decision": "approve"})
    assert [strip_tags(m) for m in messages_after(response)] == [
        "The comment by Ann was already approved."
    ]
    assert len(history(ann)) == 1


def test_a_reported_comment_approved_from_its_row_leaves_the_reported_view(
    moderator_client, article
):
    comment = make_comment(article, status=PENDING, reported_at=timezone.now(), report_count=3)
    press(moderator_client, f"{COMMENTS}?reported=yes", comment, "approve")
    comment.refresh_from_db()
    assert (comment.status, comment.reported_at) == (APPROVED, None)
    assert texts(moderator_client.get(COMMENTS, {"reported": "yes"})) == []


def test_a_rows_decision_costs_a_bounded_number_of_queries(
    moderator_client, three, django_assert_max_num_queries
):
    page = html(moderator_client.get(COMMENTS))
    found = button(page, three[0], "spam")
    # Session, user, permissions, the comment, the update in its savepoint, the history.
    with django_assert_max_num_queries(10):
        moderator_client.post(found["formaction"], {"decision": "spam"})


# With JavaScript: the same view answers JSON --------------------------------------------


def test_the_queues_script_gets_the_result_as_json(moderator_client, three):
    response = press(moderator_client, COMMENTS, three[1], "reject", **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "message": "The comment by Bob was rejected.",
        "status": "rejected",
        "changed": True,
    }
    three[1].refresh_from_db()
    assert three[1].status == REJECTED


# Refusals: 4xx, never a 500, and nothing changes ------------------------------------------


def test_a_rows_decision_needs_a_post(moderator_client, three):
    assert moderator_client.get(f"{COMMENTS}{three[0].pk}/decide/").status_code == 405


def test_an_editor_cannot_decide_from_a_row(editor_client, three):
    response = editor_client.post(f"{COMMENTS}{three[0].pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    three[0].refresh_from_db()
    assert three[0].status == PENDING


def test_a_forged_decision_without_the_csrf_token_is_refused(moderator, three):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(f"{COMMENTS}{three[0].pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    three[0].refresh_from_db()
    assert three[0].status == PENDING


def test_the_rows_form_carries_the_csrf_token(moderator, three):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    page = html(client.get(COMMENTS))
    token = page.select_one("#changelist-form input[name=csrfmiddlewaretoken]")["value"]
    found = button(page, three[0], "approve")
    response = client.post(
        found["formaction"], {"decision": "approve", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    three[0].refresh_from_db()
    assert three[0].status == APPROVED


@pytest.mark.parametrize("extra", [{}, JSON])
def test_an_unknown_decision_is_a_400(moderator_client, three, extra):
    response = moderator_client.post(
        f"{COMMENTS}{three[0].pk}/decide/", {"decision": "delete"}, **extra
    )
    assert response.status_code == 400
    assert "Choose approve, reject or spam." in response.content.decode()
    three[0].refresh_from_db()
    assert three[0].status == PENDING


@pytest.mark.parametrize("object_id", ["424242", "not-a-number"])
@pytest.mark.parametrize("extra", [{}, JSON])
def test_a_decision_on_an_unknown_comment_is_a_404(moderator_client, db, object_id, extra):
    response = moderator_client.post(
        f"{COMMENTS}{object_id}/decide/?next={COMMENTS}%3Fstatus%3Dall",
        {"decision": "approve"},
        **extra,
    )
    assert response.status_code == 404
    message = f"There is no comment with the id “{object_id}”."
    if extra:
        assert response.json() == {"message": message}
    else:
        assert message in response.content.decode()
        back = html(response).select_one("#content-main a")
        assert back["href"] == f"{COMMENTS}?status=all"


def test_a_rows_decision_never_goes_back_off_the_site(moderator_client, three):
    response = moderator_client.post(
        f"{COMMENTS}{three[0].pk}/decide/?next=https://evil.example/", {"decision": "approve"}
    )
    assert response["Location"] == COMMENTS


# The views and their counts -------------------------------------------------------------


@pytest.fixture
def mix(article):
    """Waiting: two because the article is pre-moderated, one held by a rule, two reported;
    and one approved."""
    return {
        "waiting": received(
            make_comment(article, status=PENDING, body="Waiting."), ago=timedelta(hours=5)
        ),
        "old": received(
            make_comment(article, status=PENDING, body="Old row."), ago=timedelta(hours=6)
        ),
        "held": received(
            make_comment(
                article, status=PENDING, body="Held.", moderation_reason="suspect words: “x”"
            ),
            ago=timedelta(hours=4),
        ),
        "reported_once": make_comment(
            article,
            status=PENDING,
            body="Reported once.",
            reported_at=timezone.now(),
            report_count=1,
        ),
        "reported_thrice": make_comment(
            article,
            status=PENDING,
            body="Reported thrice.",
            reported_at=timezone.now(),
            report_count=3,
        ),
        "approved": make_comment(article, status=APPROVED, body="Approved."),
    }


def views(response):
    return {a.get_text(" ", strip=True): a["href"] for a in html(response).select(".queue-views a")}


def test_the_views_show_their_counts_and_the_current_one(moderator_client, mix):
    Comment.objects.filter(pk=mix["old"].pk).update(moderation_reason="pre-moderated article")
    response = moderator_client.get(COMMENTS)
    assert views(response) == {
        "Pending 5": "?",
        "Reported 2": "?reported=yes",
        "Held by a rule 1": "?held=rule",
        "All 6": "?status=all",
    }
    current = html(response).select_one('.queue-views a[aria-current="page"]')
    assert current.get_text(" ", strip=True) == "Pending 5"


def test_each_view_lists_its_comments_in_its_order(moderator_client, mix):
    assert texts(moderator_client.get(COMMENTS)) == [
        "Old row.",
        "Waiting.",
        "Held.",
        "Reported once.",
        "Reported thrice.",
    ]
    assert texts(moderator_client.get(COMMENTS, {"reported": "yes"})) == [
        "Reported thrice.",
        "Reported once.",
    ]
    assert texts(moderator_client.get(COMMENTS, {"held": "rule"})) == ["Held."]
    assert len(texts(moderator_client.get(COMMENTS, {"status": "all"}))) == 6
    page = html(moderator_client.get(COMMENTS, {"held": "rule"}))
    assert page.select_one("h1").get_text() == "The moderation queue: comments held by a rule"
    current = page.select_one('.queue-views a[aria-current="page"]')
    assert current.get_text(" ", strip=True) == "Held by a rule 1"


def test_the_views_keep_the_article_filter_and_the_search(moderator_client, mix):
    other = make_article(title="Another story", slug="another-story")
    response = moderator_client.get(COMMENTS, {"article": other.pk, "q": "x", "p": "1"})
    links = views(response)
    assert links["Reported 2"] == f"?article={other.pk}&q=x&reported=yes"


def test_the_views_cost_the_same_queries_for_5_and_60_comments(
    moderator_client, mix, django_assert_num_queries
):
    # Session, user, permissions (2), the article filter, the list's count, its page, the
    # reports of the reported comments on it, the four views' counts.
    with django_assert_num_queries(12):
        moderator_client.get(COMMENTS, {"status": "all"})
    article = mix["waiting"].article
    for n in range(55):
        comment = make_comment(
            article, status=PENDING, reported_at=timezone.now(), report_count=1, body=f"R {n}"
        )
        Report.objects.create(comment=comment, reader_id=f"{n:048x}", reason="spam")
    with django_assert_num_queries(12):
        assert len(rows(moderator_client.get(COMMENTS, {"status": "all"}))) == 50


# Why each comment waits -----------------------------------------------------------------


def why(response):
    return {row["comment_text"]: row["why_held"] for row in rows(response)}


def test_every_waiting_comment_says_why(moderator_client, mix, post_moderated):
    for reader, reason in (("a", "abuse"), ("b", "spam"), ("c", "abuse")):
        Report.objects.create(comment=mix["reported_thrice"], reader_id=reader * 48, reason=reason)
    Report.objects.create(comment=mix["reported_once"], reader_id="d" * 48, reason="off-topic")
    Comment.objects.filter(pk=mix["reported_thrice"].pk).update(
        moderation_reason="reports: 3 people reported it"
    )
    make_comment(post_moderated, status=PENDING, body="Old, post-moderated.")
    assert why(moderator_client.get(COMMENTS)) == {
        "Old row.": "pre-moderated article",
        "Waiting.": "pre-moderated article",
        "Held.": "suspect words: “x”",
        "Reported once.": "reported once: off-topic 1",
        "Reported thrice.": (
            "reported 3 times: abusive or hateful 2, spam 1 reports: 3 people reported it"
        ),
        "Old, post-moderated.": (
            "no reason recorded: pre-moderated when it came, or the rules failed"
        ),
    }


def test_a_comment_on_a_pre_moderated_article_records_why_it_waits(client, moderator, article):
    post_comment(client, article, body="Just arrived.")
    comment = Comment.objects.get()
    assert comment.moderation_reason == "pre-moderated article"
    client.force_login(moderator)
    assert why(client.get(COMMENTS)) == {"Just arrived.": "pre-moderated article"}
    assert texts(client.get(COMMENTS, {"held": "rule"})) == []


def test_a_decided_comment_without_a_reason_shows_a_dash(moderator_client, mix):
    assert why(moderator_client.get(COMMENTS, {"status": "approved"})) == {"Approved.": "—"}


def plan_of_the_page(client, query):
    """The query plan of the list's page of comments, as the database would run it."""
    with CaptureQueriesContext(connection) as queries:
        client.get(COMMENTS, query)
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
            cursor.execute("SET LOCAL enable_sort = off")  # so is sorting the few rows
            cursor.execute(f"EXPLAIN {page_query}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {page_query}")
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ({"reported": "yes"}, "comment_most_reported_idx"),
        ({"held": "rule"}, "comment_held_by_rule_idx"),
    ],
)
def test_each_view_reads_its_index_in_its_order(moderator_client, mix, query, index):
    plan = plan_of_the_page(moderator_client, query)
    assert index in plan
    assert "Sort" not in plan  # PostgreSQL: the index gives the order
    assert "TEMP B-TREE FOR ORDER BY" not in plan  # SQLite: likewise


def test_a_comments_page_says_no_rule_spoke_for_a_pre_moderated_article(moderator_client, article):
    comment = make_comment(article, status=PENDING, moderation_reason="pre-moderated article")
    page = html(moderator_client.get(f"{COMMENTS}{comment.pk}/change/"))
    assert (
        page.select_one(".field-rules")
        .get_text(" ", strip=True)
        .endswith("No rule spoke: it waits because comments are moderated first.")
    )


def test_the_json_answer_has_the_name_as_written(moderator_client, article):
    comment = make_comment(article, status=PENDING, name="<Ann & Bob>")
    response = moderator_client.post(
        f"{COMMENTS}{comment.pk}/decide/", {"decision": "approve"}, **JSON
    )
    assert response.json()["message"] == (
        "The comment by <Ann & Bob> was approved, shown to readers now."
    )
