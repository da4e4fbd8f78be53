"""The state changes that views and (later) admin actions share."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import Comment, ReaderBan
from tests.commenting import (
    APPROVED,
    CLIENT_ADDRESS_HASH,
    PENDING,
    REJECTED,
    SPAM,
    make_comment,
    post_comment,
)
from tests.helpers import html


@pytest.mark.parametrize(
    ("action", "status"),
    [(services.approve, APPROVED), (services.reject, REJECTED), (services.mark_spam, SPAM)],
)
def test_a_moderators_decision_records_who_and_when(article, moderator, action, status):
    comment = make_comment(article, status=PENDING, reported_at=timezone.now())
    before = timezone.now()
    action(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == moderator
    assert comment.moderated_at >= before
    assert comment.reported_at is None


@pytest.mark.parametrize("action", [services.approve, services.reject, services.mark_spam])
def test_decisions_take_keyword_arguments_only(article, action):
    comment = make_comment(article, status=PENDING)
    with pytest.raises(TypeError):
        action(comment)


def test_an_approved_comment_appears_at_once(client, article, moderator):
    comment = make_comment(article, status=PENDING, body="Now you see me.")
    assert "Now you see me." not in client.get(article.get_absolute_url()).content.decode()
    services.approve(comment=comment, moderator=moderator)
    assert "Now you see me." in client.get(article.get_absolute_url()).content.decode()


def test_banning_a_commenter_stores_their_reader_id_and_address_hash(client, article, moderator):
    post_comment(client, article, body="Trolling.")
    comment = Comment.objects.get()
    ban = services.ban_commenter(comment=comment, moderator=moderator, reason="Trolling")
    assert (ban.reader_id, ban.address_hash) == (comment.reader_id, CLIENT_ADDRESS_HASH)
    assert (ban.comment, ban.created_by, ban.reason) == (comment, moderator, "Trolling")
    assert ban.is_active
    response = post_comment(client, article, body="Again.")
    assert response.status_code == 403
    # The ban follows the address: what a fresh browser on it posts waits for a moderator.
    assert post_comment(Client(), article, body="New cookie.").status_code == 303
    assert Comment.objects.get(body="New cookie.").moderation_reason == (
        "network: posted from the address of a banned commenter"
    )


def test_a_lifted_ban_no_longer_applies(client, article, moderator):
    post_comment(client, article, body="Trolling.")
    ban = services.ban_commenter(comment=Comment.objects.get(), moderator=moderator)
    services.lift_ban(ban=ban, moderator=moderator)
    ban.refresh_from_db()
    assert not ban.is_active
    assert ban.lifted_by == moderator
    assert not ReaderBan.objects.active().exists()
    assert post_comment(client, article, body="Back, politely.").status_code == 303


def test_a_comment_with_nothing_to_ban_cannot_be_banned(article):
    comment = make_comment(article, reader_id="", address_hash="")
    with pytest.raises(ValueError, match="neither a reader id nor an address"):
        services.ban_commenter(comment=comment)


def test_a_ban_needs_a_reader_or_an_address(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReaderBan.objects.create(reader_id="", address_hash="")


def test_submit_comment_refuses_a_closed_article_whoever_calls_it(closed_article):
    with pytest.raises(services.CommentRefused) as refused:
        services.submit_comment(
            article=closed_article, reader_id="r" * 48, address_hash="", name="A", body="B"
        )
    assert refused.value.status == 403
    assert str(refused.value) == "Comments are closed for this article."
    assert not Comment.objects.exists()


def test_the_moderation_reason_is_shown_to_nobody(client, article):
    comment = make_comment(article, moderation_reason="suspect words: “casino”")
    page = html(client.get(article.get_absolute_url()))
    assert page.find(id=f"comment-{comment.pk}")
    assert "casino" not in str(page)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty name"),
        pytest.param(
            "n" * 81,
            id="name too long",
            marks=pytest.mark.skipif(
                not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                reason="SQLite does not enforce a column's length",
            ),
        ),
    ],
)
def test_a_comment_the_database_refuses_leaves_nothing_behind(transactional_db, article, name):
    """A comment the database refuses (an empty name, a name longer than its column: the
    form lets neither through) is not stored, not cut short, not counted against the
    limits, and leaves the connection ready for the next comment: the reader's five
    comments then go through."""
    from django.db import DatabaseError, connection

    reader = {"article": article, "reader_id": "a" * 48, "address_hash": CLIENT_ADDRESS_HASH}
    with pytest.raises(DatabaseError):
        services.submit_comment(**reader, name=name, body="Refused by the database.")
    assert not Comment.objects.exists()
    assert not connection.in_atomic_block
    if connection.vendor == "postgresql":
        from psycopg.pq import TransactionStatus

        assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    for n in range(5):  # COMMENTS_RATE_LIMITS: 5 in 10 minutes
        services.submit_comment(**reader, name="Reader", body=f"Comment {n}")
    assert Comment.objects.count() == 5


def test_a_comment_is_stored_before_the_moderation_rules_run(
    transactional_db, client, article, monkeypatch, caplog
):
    from comments import moderation

    def broken_rule(submission):
        raise RuntimeError("the rule crashed")

    monkeypatch.setattr(moderation, "RULES", [broken_rule])
    response = post_comment(client, article, body="Kept whatever the rules do.")
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.body == "Kept whatever the rules do."
    assert comment.status == PENDING
    assert "automatic moderation failed" in caplog.text
