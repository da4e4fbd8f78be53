"""A comment's page in the admin, as a moderator and an editor use it (issue 19): the
commenter's history, rejecting with a reason, banning for a time and rejecting the
reader's queue, lifting a ban, and editors' picks."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from comments import readers, services
from comments.models import Comment, ReaderBan, Report
from tests.admin import BANS, COMMENTS, change_url, history, messages_after, run_action
from tests.commenting import (
    APPROVED,
    PENDING,
    REJECTED,
    SPAM,
    as_reader,
    make_comment,
    post_comment,
)
from tests.helpers import html

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
READER = "a" * 48
ADDRESS = "b" * 64


def moderate_url(comment):
    return f"{COMMENTS}{comment.pk}/moderate/"


def ban_url(comment):
    return f"{COMMENTS}{comment.pk}/ban/"


def feature_url(comment):
    return f"{COMMENTS}{comment.pk}/feature/"


def commenter_with_a_past(article):
    """A commenter with approved 12, rejected 2 (one as spam), reported 1, a report of
    their own, a lifted ban; and another reader on their address."""
    for i in range(12):
        make_comment(article, status=APPROVED, reader_id=READER, body=f"Fine {i}.")
    make_comment(article, status=REJECTED, reader_id=READER, body="Rude.")
    make_comment(article, status=SPAM, reader_id=READER, body="Pills.")
    Comment.objects.filter(reader_id=READER, body="Fine 0.").update(report_count=1)
    target = make_comment(article, status=APPROVED, name="Target", body="Reported by them.")
    Report.objects.create(comment=target, reader_id=READER, reason="abuse")
    make_comment(article, status=PENDING, address_hash=ADDRESS, body="A neighbour's.")
    ban = ReaderBan.objects.create(reader_id=READER, reason="an old quarrel")
    services.lift_ban(ban=ban)
    return make_comment(
        article, status=PENDING, reader_id=READER, address_hash=ADDRESS, body="The new one."
    )


# The commenter's history ---------------------------------------------------------------


def test_the_page_shows_the_commenters_history(moderator_client, article):
    comment = commenter_with_a_past(article)
    section = html(moderator_client.get(change_url(comment))).select_one(".commenter-history")
    text = " ".join(section.get_text(" ").split())
    assert (
        "Their other comments (same reader id) approved 12, rejected 2, pending 0, reported 1"
        in text
    )
    assert "From the same address, other readers (a second signal" in text
    assert "approved 0, rejected 0, pending 1, reported 0" in text
    assert "A neighbour's." in text
    assert "Reports they made (1) Abusive or hateful" in text
    assert "Reported by them." in text
    assert "Lifted" in text and "an old quarrel" in text
    assert READER not in text and ADDRESS not in text  # moderators never see ids


def test_the_history_costs_the_same_queries_however_long(
    moderator_client, article, django_assert_max_num_queries
):
    comment = commenter_with_a_past(article)
    with django_assert_max_num_queries(30) as few:
        moderator_client.get(change_url(comment))
    for i in range(40):
        make_comment(article, status=APPROVED, reader_id=READER, body=f"More {i}.")
        make_comment(article, status=APPROVED, address_hash=ADDRESS, body=f"Theirs {i}.")
    with django_assert_max_num_queries(len(few)):
        response = moderator_client.get(change_url(comment))
    rows = html(response).select(".commenter-history .history-comments tbody tr")
    assert len(rows) == 2 * readers.HISTORY_SHOWN


def test_the_queue_summary_is_two_queries_for_a_page(article, django_assert_num_queries):
    comment = commenter_with_a_past(article)
    others = [make_comment(article, status=PENDING) for _ in range(5)]
    with django_assert_num_queries(2):
        summaries = readers.commenter_summaries([comment, *others])
    assert str(summaries[comment.pk]) == "approved 12, rejected 2, pending 1, reported 1"
    assert str(summaries[others[0].pk]) == "approved 0, rejected 0, pending 1, reported 0"


# Rejecting with a reason ---------------------------------------------------------------


def test_rejecting_with_a_reason_shows_it_to_the_commenter_alone(moderator_client, article):
    author = Client()
    reader_id = as_reader(author)
    comment = make_comment(article, status=PENDING, reader_id=reader_id, body="Off track.")
    page = html(moderator_client.get(change_url(comment)))
    labels = [label.get_text(" ", strip=True) for label in page.select(".rejection-choice")]
    assert labels == [
        "No reason given",
        "Off-topic",
        "Abusive or hateful",
        "Spam or advertising",
        "Personal information",
        "Other",
    ]
    response = moderator_client.post(
        moderate_url(comment), {"decision": "reject", "rejection_reason": "off-topic"}
    )
    assert response.status_code == 302
    assert messages_after(response) == [
        "The comment by <bdi>A reader</bdi> was rejected (off-topic: shown to the commenter)."
    ]
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == (REJECTED, "off-topic")
    assert history(comment)[-1].change_message == "Rejected (off-topic: shown to the commenter)."
    own = html(author.get(article.get_absolute_url())).select_one(f"#comment-{comment.pk}")
    assert "Rejected by a moderator: off-topic" in own.get_text()
    assert "Off track." not in Client().get(article.get_absolute_url()).text


def test_other_needs_a_note_and_an_unknown_reason_is_refused(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    for data in (
        {"rejection_reason": "other"},
        {"rejection_reason": "rude"},
        {"rejection_note": "a note without a reason"},
    ):
        response = moderator_client.post(moderate_url(comment), {"decision": "reject", **data})
        assert response.status_code == 400
    assert (
        "Write a note to the commenter"
        in moderator_client.post(
            moderate_url(comment), {"decision": "reject", "rejection_reason": "other"}
        ).content.decode()
    )
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_a_forged_rejection_is_refused(moderator, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    comment = make_comment(article, status=PENDING)
    response = client.post(
        moderate_url(comment), {"decision": "reject", "rejection_reason": "abuse"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == PENDING


def test_an_editor_cannot_reject(editor_client, article):
    comment = make_comment(article, status=PENDING)
    response = editor_client.post(
        moderate_url(comment), {"decision": "reject", "rejection_reason": "abuse"}
    )
    assert response.status_code == 403


# Banning for a time, and the reader's queue ---------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_ban_for_7_days_and_reject_the_queue(moderator_client, article):
    troll = Client()
    reader_id = as_reader(troll)
    for body in ("One.", "Two.", "Three."):
        post_comment(troll, article, body=body)
    comment = Comment.objects.filter(reader_id=reader_id).first()
    page = html(moderator_client.get(ban_url(comment)))
    durations = [label.get_text(" ", strip=True) for label in page.select(".ban-duration-choice")]
    assert durations == ["24 hours", "7 days", "Permanently (until lifted)"]
    assert page.select_one("input[name=duration][value='24h']").has_attr("checked")
    queued = page.select_one("input[name=reject_queued]")
    assert queued.has_attr("checked")
    assert "(3 now)" in page.select_one(f"label[for={queued['id']}]").get_text()

    response = moderator_client.post(
        ban_url(comment),
        {"post": "yes", "duration": "7d", "reason": "spam run", "reject_queued": "on"},
    )
    assert response.status_code == 302
    assert messages_after(response) == [
        "1 commenter was banned: they can no longer comment until 14 December 2026, 10:00 UTC. "
        "3 comments of theirs waiting in the queue rejected."
    ]
    ban = ReaderBan.objects.get()
    assert (ban.ends_at, ban.reason) == (NOW + timedelta(days=7), "spam run")
    assert set(Comment.objects.values_list("status", flat=True)) == {REJECTED}
    assert history(comment)[-1].change_message == "Rejected with the ban of its commenter."
    refused = post_comment(troll, article, body="Four.")
    assert refused.status_code == 403
    assert "until 14 December 2026, 10:00 UTC" in refused.text
    state = html(moderator_client.get(change_url(comment))).select_one(".ban-state")
    assert "banned until 14 December 2026, 10:00 UTC" in " ".join(state.get_text().split())


def test_a_bad_duration_is_a_400_and_bans_nobody(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    response = moderator_client.post(ban_url(comment), {"post": "yes", "duration": "forever"})
    assert response.status_code == 400
    assert not ReaderBan.objects.exists()


def test_the_ban_can_be_lifted_from_the_comments_page(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    ban = services.ban_commenter(comment=comment, duration=ReaderBan.Duration.DAY)
    page = html(moderator_client.get(change_url(comment)))
    form = page.select_one(".lift-form")
    response = moderator_client.post(form["action"], {"next": change_url(comment)})
    assert response["Location"] == change_url(comment)
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    assert html(moderator_client.get(change_url(comment))).select_one(".ban-link")
    assert moderator_client.get(form["action"]).status_code == 405


def test_an_ended_ban_is_listed_as_ended(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    with time_machine.travel(NOW, tick=False):
        services.ban_commenter(comment=comment, duration=ReaderBan.Duration.DAY)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        response = moderator_client.get(f"{BANS}?state=ended")
        assert "Ended" in html(response).select_one("#result_list tbody").get_text()
        assert not ReaderBan.objects.active().exists()


def test_a_ban_made_under_reader_bans_has_a_duration(moderator_client, db):
    with time_machine.travel(NOW, tick=False):
        response = moderator_client.post(
            f"{BANS}add/", {"reader_id": READER, "duration": "24h", "reason": "by hand"}
        )
    assert response.status_code == 302
    assert ReaderBan.objects.get().ends_at == NOW + timedelta(hours=24)


# Editors' picks ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor_client", "moderator_client"])
def test_editors_and_moderators_feature_a_comment(request, who, article):
    client = request.getfixturevalue(who)
    comment = make_comment(article, status=APPROVED, body="The pick.")
    form = html(client.get(change_url(comment))).select_one(".feature-form")
    assert form.find("button").get_text() == "Feature as an editors’ pick"
    response = client.post(feature_url(comment), {"featured": "yes"})
    assert response.status_code == 302
    picks = html(Client().get(article.get_absolute_url())).select_one(".editors-picks")
    assert "The pick." in picks.get_text()
    button = html(client.get(change_url(comment))).select_one(".feature-form button")
    assert button.get_text() == "Un-feature"
    client.post(feature_url(comment), {"featured": "no"})
    assert html(Client().get(article.get_absolute_url())).select_one(".editors-picks") is None
    assert [e.change_message for e in history(comment)] == [
        "Featured as an editors’ pick.",
        "No longer an editors’ pick.",
    ]


def test_featuring_refuses_what_it_cannot_do(editor_client, client, article):
    pending = make_comment(article, status=PENDING)
    assert editor_client.post(feature_url(pending), {"featured": "yes"}).status_code == 400
    assert editor_client.post(feature_url(pending), {"featured": "maybe"}).status_code == 400
    assert editor_client.get(feature_url(pending)).status_code == 405
    missing = editor_client.post(f"{COMMENTS}999999/feature/", {"featured": "yes"})
    assert missing.status_code == 302
    assert Comment.objects.filter(featured_at__isnull=False).count() == 0


def test_a_bans_page_shows_its_end_and_state(moderator_client, article):
    comment = make_comment(article, status=PENDING)
    with time_machine.travel(NOW, tick=False):
        ban = services.ban_commenter(comment=comment, duration=ReaderBan.Duration.WEEK)
        page = html(moderator_client.get(change_url(ban)))
    assert "14 Dec 2026" in page.select_one(".field-ends_at").get_text()
    assert "Active" in page.select_one(".field-state").get_text()
    add = html(moderator_client.get(f"{BANS}add/"))
    assert [i["value"] for i in add.select("input[name=duration]")] == ["24h", "7d", "permanent"]


def test_the_ban_form_and_its_post_cost_a_fixed_number_of_queries(
    moderator_client, article, django_assert_max_num_queries
):
    reader_id = "c" * 48
    comment = make_comment(article, status=PENDING, reader_id=reader_id)
    for _ in range(10):
        make_comment(article, status=PENDING, reader_id=reader_id)
    with django_assert_max_num_queries(12):
        assert moderator_client.get(ban_url(comment)).status_code == 200
    data = {"post": "yes", "duration": "24h", "reject_queued": "on"}
    # The ban, the queued comments' rejection in one update, their history in one insert.
    with django_assert_max_num_queries(20):
        assert moderator_client.post(ban_url(comment), data).status_code == 302
    assert Comment.objects.filter(status=PENDING).count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_queues_ban_action_asks_how_long_and_rejects_their_queues(moderator_client, article):
    first = make_comment(article, status=PENDING, reader_id="d" * 48)
    make_comment(article, status=PENDING, reader_id="d" * 48)
    second = make_comment(article, status=PENDING, reader_id="e" * 48)
    asked = run_action(moderator_client, COMMENTS, "ban_commenters", [first, second])
    page = html(asked)
    assert "(3 now)" in page.get_text()
    response = run_action(
        moderator_client,
        COMMENTS,
        "ban_commenters",
        [first, second],
        post="yes",
        duration="permanent",
        reject_queued="on",
    )
    assert response.status_code == 302
    assert messages_after(response) == [
        "2 commenters were banned: they can no longer comment. "
        "3 comments of theirs waiting in the queue rejected."
    ]
    assert [ban.ends_at for ban in ReaderBan.objects.all()] == [None, None]


@time_machine.travel(NOW, tick=False)
def test_a_banned_reader_who_reports_is_told_until_when(client, article):
    reader_id = as_reader(client)
    services.ban_commenter(
        comment=make_comment(article, status=PENDING, reader_id=reader_id),
        duration=ReaderBan.Duration.DAY,
    )
    shown = make_comment(article, status=APPROVED)
    response = client.post(f"/comments/{shown.pk}/flag/", {"reason": "spam"})
    assert response.status_code == 403
    assert "until 8 December 2026, 10:00 UTC." in response.content.decode()
