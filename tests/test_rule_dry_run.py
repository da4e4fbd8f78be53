"""A rule tried before it is saved (issue 19, "a dry run of a rule"): what a banned or
suspect word, or a link limit, would have caught in the latest comments, with the match
marked; nothing changes until the word is added."""

import pytest
from django.test import Client

from comments import dryrun
from comments.models import BannedWord, Comment, SuspectWord
from tests.commenting import APPROVED, PENDING, REJECTED, make_comment
from tests.helpers import html

TRY = "/admin/comments/bannedword/try/"


def tried(client, url=TRY, **query):
    response = client.get(url, query)
    return response, html(response)


def test_the_word_lists_link_to_the_dry_run(moderator_client):
    page = html(moderator_client.get("/admin/comments/bannedword/"))
    link = page.find("a", string="Try a rule first")
    assert link["href"] == TRY
    page = html(moderator_client.get("/admin/comments/suspectword/"))
    assert page.find("a", string="Try a rule first")["href"] == "/admin/comments/suspectword/try/"


def test_a_word_shows_what_it_would_catch_with_the_match_marked(moderator_client, article):
    make_comment(article, name="Ann", body="What a scumbag move. Honestly.", status=APPROVED)
    make_comment(article, name="Bob", body="You are scum, and you know it.", status=APPROVED)
    make_comment(article, name="Cy", body="The s\u200bcum of the earth.", status=PENDING)
    make_comment(article, name="Di", body="Nothing to see here.", status=APPROVED)
    response, page = tried(moderator_client, word="  scum ")
    assert response.status_code == 200
    section = page.select_one(".dry-run")
    assert section.find("h2").get_text(" ", strip=True) == "“ scum ”: 2 of the latest 4 comments"
    assert "1 of them is shown to readers today" in section.get_text(" ", strip=True)
    marks = [mark.get_text() for mark in section.select("mark")]
    assert marks == ["s\u200bcum", "scum,"]  # the invisible space does not hide it; not "scumbag"
    assert BannedWord.objects.count() == 0


def test_a_phrase_is_marked_whole(moderator_client, article):
    make_comment(article, body="They said shut up and go home.")
    _, page = tried(moderator_client, word="shut up")
    assert [mark.get_text() for mark in page.select(".dry-run mark")] == ["shut up"]


def test_a_word_that_catches_nothing_says_so_and_offers_to_add_it(moderator_client, article):
    make_comment(article, body="A calm comment.")
    _, page = tried(moderator_client, word="scum")
    section = page.select_one(".dry-run")
    assert "It would have caught none of them." in section.get_text()
    add = section.find("a", class_="button")
    assert add["href"] == "/admin/comments/bannedword/add/?word=scum"
    form = html(moderator_client.get(add["href"])).find("input", attrs={"name": "word"})
    assert form["value"] == "scum"


def test_a_suspect_word_is_tried_the_same_way(moderator_client, article):
    make_comment(article, body="Buy cheap pills now.")
    _, page = tried(moderator_client, "/admin/comments/suspectword/try/", word="pills")
    assert (
        page.select_one(".dry-run h2")
        .get_text(" ", strip=True)
        .endswith("1 of the latest 1 comments")
    )
    assert SuspectWord.objects.count() == 0


def test_a_link_limit_shows_what_it_would_hold(moderator_client, article):
    make_comment(article, body="See https://example.com and https://example.org today.")
    make_comment(article, body="One link: https://example.net")
    make_comment(article, body="No link at all.")
    _, page = tried(moderator_client, link_limit="1")
    section = page.select_one(".dry-run")
    assert section.find("h2").get_text(" ", strip=True) == (
        "More than 1 link: 1 of the latest 3 comments"
    )
    assert [m.get_text() for m in section.select("mark")] == [
        "https://example.com",
        "https://example.org",
    ]


def test_only_the_latest_comments_are_tried(moderator_client, article, monkeypatch):
    monkeypatch.setattr(dryrun, "SAMPLE_SIZE", 2)
    old = make_comment(article, body="scum from long ago")
    make_comment(article, body="new one")
    make_comment(article, body="newer one")
    Comment.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    _, page = tried(moderator_client, word="scum")
    assert "0 of the latest 2 comments" in page.select_one(".dry-run h2").get_text(" ", strip=True)


def test_what_the_reader_wrote_is_escaped(moderator_client, article):
    make_comment(article, name="<b>Eve</b>", body="<script>alert(1)</script> scum")
    response, page = tried(moderator_client, word="scum")
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not page.select(".dry-run script")
    assert page.select_one(".dry-run-meta bdi").get_text() == "<b>Eve</b>"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, None),
        ({"word": "   "}, "Write a word or a phrase, or a link limit, to try."),
        ({"link_limit": "many"}, "Enter a whole number."),
        ({"link_limit": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"word": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_bad_input_gets_a_message_and_no_result(moderator_client, article, query, message):
    response, page = tried(moderator_client, **query)
    assert response.status_code == (200 if message is None else 400)
    assert not page.select(".dry-run")
    if message:
        assert message in page.select_one("#content-main").get_text()


def test_the_dry_run_changes_nothing_and_takes_no_post(moderator_client, article):
    comment = make_comment(article, body="scum", status=APPROVED)
    tried(moderator_client, word="scum")
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert moderator_client.post(TRY, {"word": "scum"}).status_code == 405
    assert BannedWord.objects.count() == 0


def test_readers_and_editors_cannot_try_rules(editor_client, article):
    assert Client().get(TRY, {"word": "scum"}).status_code == 302  # to the sign-in page
    assert editor_client.get(TRY, {"word": "scum"}).status_code == 403


def test_the_dry_run_costs_a_bounded_number_of_queries(
    moderator_client, article, django_assert_max_num_queries
):
    for n in range(30):
        make_comment(article, body=f"comment {n} scum", status=REJECTED if n % 2 else APPROVED)
    with django_assert_max_num_queries(8):
        moderator_client.get(TRY, {"word": "scum"})
