"""purge_personal_data: emails and address hashes of old comments and reports are removed."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments import services
from comments.models import Comment, Report
from tests.commenting import make_comment, post_comment


def age(comment, days):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_old_comments_lose_their_email_and_address_hash(article):
    old = make_comment(article, email="old@example.org", address_hash="a" * 64, body="Old.")
    recent = make_comment(article, email="new@example.org", address_hash="b" * 64, body="New.")
    age(old, 91)
    age(recent, 89)
    flag = Report.objects.create(
        comment=recent, reader_id="r" * 48, address_hash="c" * 64, reason="spam"
    )
    Report.objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(days=120))
    out = io.StringIO()
    call_command("purge_personal_data", "--older-than", "90", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.email, old.address_hash, old.body, old.name) == ("", "", "Old.", "A reader")
    assert (recent.email, recent.address_hash) == ("new@example.org", "b" * 64)
    assert Report.objects.get().address_hash == ""
    assert "1 comment(s) and 1 report(s) older than 90 day(s)" in out.getvalue()


def test_the_default_period_comes_from_the_setting(article, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 10
    comment = make_comment(article, email="x@example.org")
    age(comment, 11)
    call_command("purge_personal_data", stdout=io.StringIO())
    comment.refresh_from_db()
    assert comment.email == ""


def test_a_negative_period_is_refused(db):
    with pytest.raises(CommandError, match="0 or more"):
        call_command("purge_personal_data", "--older-than", "-1", stdout=io.StringIO())


def test_no_page_shows_a_readers_email_or_address_hash(client, article):
    response = post_comment(client, article, email="ann@example.org", body="My own words.")
    assert response.status_code == 303
    comment = Comment.objects.get()
    services.approve(comment=comment)
    make_comment(article, email="bob@example.org", address_hash="f" * 64, body="Bob's words.")
    pages = [
        client.get(article.get_absolute_url()),  # the author's own view
        client.get(f"{article.get_absolute_url()}reactions/"),
        client.get("/"),
        client.get("/feed/"),
    ]
    for page in pages:
        content = page.content.decode()
        assert "ann@example.org" not in content and "bob@example.org" not in content
        assert comment.address_hash not in content and "f" * 64 not in content
    assert "My own words." in pages[0].content.decode()
