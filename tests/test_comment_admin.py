"""Staff keep the word lists and see reports and bans in the admin (issue 5 builds on it)."""

import pytest

from comments.models import BannedWord, Comment, ReaderBan, Report, SuspectWord
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


def test_a_word_that_matches_what_a_listed_word_matches_is_refused(staff_client, db):
    staff_client.post("/admin/comments/bannedword/add/", {"word": "Scumbag"})
    # Cyrillic "ѕ" and "а", a soft hyphen, capitals: the same word to the matcher.
    response = staff_client.post(
        "/admin/comments/bannedword/add/", {"word": "\u0455CUM\u00adb\u0430g"}
    )
    assert response.status_code == 200
    assert "This word is already on the list: “Scumbag” matches the same text." in (
        response.content.decode()
    )
    assert list(BannedWord.objects.values_list("word", flat=True)) == ["Scumbag"]


def test_a_word_of_invisible_characters_only_is_refused(staff_client, db):
    response = staff_client.post("/admin/comments/suspectword/add/", {"word": "\u200b\u3164"})
    assert response.status_code == 200
    assert "Write a word or a phrase." in response.content.decode()
    assert not SuspectWord.objects.exists()


def test_a_word_is_kept_without_the_invisible_characters_pasted_with_it(staff_client, db):
    staff_client.post("/admin/comments/bannedword/add/", {"word": "scum\u200bbag\u2060"})
    assert BannedWord.objects.get().word == "scumbag"


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
