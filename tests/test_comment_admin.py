"""Staff keep the word lists and see reports and bans in the admin (issue 5 builds on it)."""

import pytest

from comments.models import BannedWord, Comment, ReaderBan, Report
from tests.commenting import REJECTED, make_comment, post_comment


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_banned_word_added_in_the_admin_rejects_the_next_comment(staff_client, article, client):
    response = staff_client.post(
        "/admin/comments/bannedword/add/", {"word": "  Scum   bag ", "note": "abuse"}
    )
    assert response.status_code == 302
    assert BannedWord.objects.get().word == "Scum bag"
    staff_client.logout()
    post_comment(client, article, body="You scum bag.")
    assert Comment.objects.get().status == REJECTED


@pytest.mark.parametrize(
    "url",
    [
        "/admin/comments/bannedword/",
        "/admin/comments/suspectword/",
        "/admin/comments/report/",
        "/admin/comments/readerban/",
        "/admin/comments/comment/",
    ],
)
def test_the_moderation_lists_open_in_the_admin(staff_client, article, url):
    comment = make_comment(article)
    Report.objects.create(comment=comment, reader_id="r" * 48, reason="spam")
    ReaderBan.objects.create(reader_id="r" * 48, comment=comment)
    assert staff_client.get(url).status_code == 200


def test_a_ban_made_in_the_admin_records_who_made_it(staff_client, admin_user):
    response = staff_client.post(
        "/admin/comments/readerban/add/", {"reader_id": "b" * 48, "reason": "Trolling"}
    )
    assert response.status_code == 302
    assert ReaderBan.objects.get().created_by == admin_user
