"""Reasons, bans with an end, trusted commenters and editors' picks, as readers see them:
the commenter's own rejected comment marked with the moderator's reason (nobody else sees
it), a ban that says when it ends and stops applying then, and the picks first."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Comment, ReaderBan
from tests.commenting import (
    APPROVED,
    PENDING,
    REJECTED,
    as_reader,
    make_comment,
    post_comment,
)
from tests.helpers import html

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return html(response)


# The commenter's own rejected comment --------------------------------------------------


def test_the_author_sees_their_rejected_comment_marked_with_the_reason(client, article, moderator):
    reader_id = as_reader(client)
    comment = make_comment(article, status=PENDING, reader_id=reader_id, body="Buy my pills.")
    services.reject(comment=comment, moderator=moderator, reason="spam")
    own = page_of(client, article).select_one(f"#comment-{comment.pk}")
    assert own.select_one(".comment-status").get_text() == (
        "Rejected by a moderator: spam or advertising"
    )
    assert "Only you see this comment." in own.get_text()
    assert "Buy my pills." in own.get_text()


def test_the_moderators_note_goes_with_other(client, article, moderator):
    reader_id = as_reader(client)
    comment = make_comment(article, status=PENDING, reader_id=reader_id)
    services.reject(comment=comment, moderator=moderator, reason="other", note="Please cite it.")
    own = page_of(client, article).select_one(f"#comment-{comment.pk}")
    assert "Rejected by a moderator: other" in own.get_text()
    assert "The moderator’s note: Please cite it." in " ".join(own.get_text().split())


def test_other_readers_never_see_a_rejected_comment(client, article, moderator):
    author = as_reader(client)
    comment = make_comment(article, status=APPROVED, reader_id=author, body="Here first.")
    anonymous = Client()
    assert "Here first." in page_of(anonymous, article).get_text()  # cached, then bumped
    services.reject(comment=comment, moderator=moderator, reason="abuse")
    assert "Here first." not in page_of(anonymous, article).get_text()
    someone = Client()
    as_reader(someone)
    assert "Here first." not in page_of(someone, article).get_text()
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "Here first." in response.text


def test_a_comment_rejected_without_a_reason_disappears_for_its_author(client, article):
    reader_id = as_reader(client)
    comment = make_comment(article, status=PENDING, reader_id=reader_id, body="Gone now.")
    services.reject(comment=comment)
    assert "Gone now." not in page_of(client, article).get_text()


def test_a_rejection_reason_is_one_of_the_list_and_other_needs_a_note(article):
    comment = make_comment(article, status=PENDING)
    with pytest.raises(ValueError, match="Unknown"):
        services.reject(comment=comment, reason="rude")
    with pytest.raises(ValueError, match="note"):
        services.reject(comment=comment, reason="other")
    assert Comment.objects.get(pk=comment.pk).status == PENDING


def test_the_database_keeps_a_reason_to_rejected_comments(article):
    comment = make_comment(article, status=APPROVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(rejection_reason="abuse")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(status=REJECTED, rejection_reason="other")


def test_approving_a_rejected_comment_drops_its_reason(article):
    comment = make_comment(article, status=PENDING)
    services.reject(comment=comment, reason="off-topic")
    services.approve(comment=comment)
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == (APPROVED, "")


# Bans that end -------------------------------------------------------------------------


def banned_reader(client, article, *, duration):
    reader_id = as_reader(client)
    post_comment(client, article, body="First try.")
    comment = Comment.objects.get(reader_id=reader_id)
    services.ban_commenter(comment=comment, reason="trolling", duration=duration)
    return reader_id


@time_machine.travel(NOW, tick=False)
def test_a_banned_reader_is_told_when_their_ban_ends(client, article):
    banned_reader(client, article, duration=ReaderBan.Duration.DAY)
    response = post_comment(client, article, body="Again.")
    assert response.status_code == 403
    assert "blocked comments from you until 8 December 2026, 10:00 UTC." in response.text


def test_a_permanent_ban_lasts_until_lifted(client, article):
    banned_reader(client, article, duration=ReaderBan.Duration.PERMANENT)
    response = post_comment(client, article, body="Again.")
    assert response.status_code == 403
    assert "until a moderator lifts the block" in response.text


def test_an_expired_ban_no_longer_applies(client, article):
    with time_machine.travel(NOW, tick=False):
        reader_id = banned_reader(client, article, duration=ReaderBan.Duration.WEEK)
        assert post_comment(client, article, body="Again.").status_code == 403
    with time_machine.travel(NOW + timedelta(days=7, seconds=1), tick=False):
        assert not ReaderBan.objects.active().exists()
        response = post_comment(client, article, body="A week later.")
        assert response.status_code in (200, 303)
        assert Comment.objects.filter(reader_id=reader_id, body="A week later.").exists()
        assert ReaderBan.objects.get().state == "Ended"


def test_a_ban_ends_after_it_starts_in_the_database(article):
    comment = make_comment(article, status=PENDING)
    ban = services.ban_commenter(comment=comment)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReaderBan.objects.filter(pk=ban.pk).update(ends_at=ban.created_at)


def test_a_ban_can_reject_the_readers_queued_comments(article, moderator):
    reader_id = "r" * 48
    queued = [make_comment(article, status=PENDING, reader_id=reader_id) for _ in range(3)]
    shown = make_comment(article, status=APPROVED, reader_id=reader_id)
    other = make_comment(article, status=PENDING)
    result = services.ban_commenters(
        comments=[queued[0]],
        moderator=moderator,
        reason="spam run",
        duration=ReaderBan.Duration.WEEK,
        reject_queued=True,
    )
    assert len(result.made) == 1
    assert {c.pk for c in result.rejected} == {c.pk for c in queued}
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in queued] == [REJECTED] * 3
    assert (statuses[shown.pk], statuses[other.pk]) == (APPROVED, PENDING)


# Trusted commenters ---------------------------------------------------------------------


def reader_with(article, *, approved, rejected=0):
    reader_id = as_reader(client := Client())
    for _ in range(approved):
        make_comment(article, status=APPROVED, reader_id=reader_id)
    for _ in range(rejected):
        make_comment(article, status=REJECTED, reader_id=reader_id)
    return client, reader_id


@override_settings(COMMENTS_TRUSTED_AFTER=3)
def test_a_trusted_commenter_skips_pre_moderation(article):
    client, reader_id = reader_with(article, approved=3)
    post_comment(client, article, body="Straight on the page.")
    assert Comment.objects.get(body="Straight on the page.").status == APPROVED


@override_settings(COMMENTS_TRUSTED_AFTER=3)
def test_one_rejection_revokes_the_trust(article):
    client, reader_id = reader_with(article, approved=5, rejected=1)
    post_comment(client, article, body="Waits again.")
    assert Comment.objects.get(body="Waits again.").status == PENDING


@override_settings(COMMENTS_TRUSTED_AFTER=3)
def test_too_few_approved_comments_wait(article):
    client, reader_id = reader_with(article, approved=2)
    post_comment(client, article, body="Not yet trusted.")
    assert Comment.objects.get(body="Not yet trusted.").status == PENDING


def test_nobody_is_trusted_by_default(article):
    client, reader_id = reader_with(article, approved=20)
    post_comment(client, article, body="Pre-moderated.")
    assert Comment.objects.get(body="Pre-moderated.").status == PENDING


@override_settings(COMMENTS_TRUSTED_AFTER=1)
def test_the_rules_still_hold_a_trusted_commenters_comment(article):
    client, reader_id = reader_with(article, approved=1)
    post_comment(client, article, body="a http://a.example b http://b.example c http://c.example")
    assert Comment.objects.get(body__startswith="a http").status == PENDING


# Editors' picks ------------------------------------------------------------------------


def test_a_featured_comment_is_shown_first_with_a_badge(client, article, editor):
    make_comment(article, status=APPROVED, name="Early", body="First in time.")
    pick = make_comment(article, status=APPROVED, name="Pick", body="The best one.")
    page_of(client, article)  # cached before the pick
    assert services.feature(comment=pick, editor=editor)
    page = page_of(client, article)
    picks = page.select_one(".editors-picks")
    assert picks.find("h3").get_text() == "Editors’ picks"
    assert [b.get_text() for b in picks.select(".comment-name")] == ["Pick"]
    assert picks.select_one(".comment-badge").get_text() == "Editors’ pick"
    first_comment = page.select_one("#comment-list .comment-body")
    assert "The best one." in first_comment.get_text()
    # In its thread too, with its badge, and no id given twice.
    assert page.select_one(f"#comment-{pick.pk} .comment-badge")
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids))


def test_unfeaturing_takes_it_out_of_the_picks(client, article, editor):
    pick = make_comment(article, status=APPROVED)
    services.feature(comment=pick, editor=editor)
    assert page_of(client, article).select_one(".editors-picks")
    assert services.unfeature(comment=pick)
    assert page_of(client, article).select_one(".editors-picks") is None


def test_only_an_approved_comment_can_be_featured(article):
    pending = make_comment(article, status=PENDING)
    assert not services.feature(comment=pending)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=pending.pk).update(featured_at=NOW)


def test_rejecting_a_pick_unfeatures_it(client, article):
    pick = make_comment(article, status=APPROVED, body="Picked, then not.")
    services.feature(comment=pick)
    services.reject(comment=pick, reason="off-topic")
    assert "Picked, then not." not in page_of(client, article).get_text()
    pick.refresh_from_db()
    assert pick.featured_at is None


def test_the_picks_cost_one_query_and_none_without_picks(client, article):
    picks = [make_comment(article, status=APPROVED) for _ in range(3)]
    for pick in picks:
        services.feature(comment=pick)
    page_of(client, article)  # the reaction bar cached
    services.unfeature(comment=picks[0])
    services.feature(comment=picks[0])
    with CaptureQueriesContext(connection) as with_picks:
        assert len(page_of(client, article).select(".editors-picks .comment")) == 3
    for pick in picks:
        services.unfeature(comment=pick)
    with CaptureQueriesContext(connection) as without:
        assert page_of(client, article).select_one(".editors-picks") is None
    assert len(with_picks) == len(without) + 1
