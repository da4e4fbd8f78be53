"""Automatic moderation: the rules, and the refusals that store nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comments import moderation
from comments.models import BannedWord, Comment, ReaderBan, SuspectWord
from comments.text import comment_html, count_links
from tests.commenting import (
    APPROVED,
    CLIENT_ADDRESS_HASH,
    PENDING,
    REJECTED,
    SPAM,
    as_reader,
    make_comment,
    messages_of,
    post_comment,
    post_comment_json,
)
from tests.helpers import html, make_article
from tests.hostile_inputs import HOSTILE_INPUTS

PENDING_MESSAGE = "Thanks — your comment is awaiting moderation"


@pytest.fixture
def known_reader(client, post_moderated):
    """A reader whose earlier comment was approved: on post-moderated articles they
    publish at once unless a rule holds them."""
    reader_id = as_reader(client)
    make_comment(post_moderated, reader_id=reader_id, body="An earlier approved comment.")
    return reader_id


def latest():
    return Comment.objects.latest("id")


def messages_on(response, client):
    """The messages at the comment the answer leads to (its #comment-<id>)."""
    page = html(client.get(response["Location"]))
    at = page.find(id=response["Location"].rpartition("#")[2])
    return [p.get_text(strip=True) for p in at.select(".comment-message")]


# The pipeline ---------------------------------------------------------------------------


def test_the_rules_are_small_named_functions_in_one_list():
    assert [rule.__name__ for rule in moderation.RULES] == [
        "honeypot",
        "banned_words",
        "too_many_links",
        "suspect_words",
        "network",
        "first_comment",
    ]


def test_a_rule_that_has_nothing_to_say_returns_none(db, post_moderated):
    comment = make_comment(post_moderated, body="Nothing wrong here.")
    submission = moderation.Submission(comment=comment)
    assert [rule(submission) for rule in moderation.RULES[:4]] == [None] * 4


# Honeypot -------------------------------------------------------------------------------


def test_a_filled_honeypot_is_stored_as_spam_and_the_bot_is_told_nothing_different(
    client, post_moderated, known_reader
):
    response = post_comment(client, post_moderated, body="Buy pills", website="http://spam")
    comment = latest()
    assert response.status_code == 303
    assert comment.status == SPAM
    assert comment.moderation_reason == "honeypot: the hidden field was filled in"
    assert messages_on(response, client) == [PENDING_MESSAGE]
    # Its author sees it as awaiting moderation, like any held comment; nobody else sees it.
    mine = html(client.get(post_moderated.get_absolute_url())).find(id=f"comment-{comment.pk}")
    assert mine.find(class_="comment-status").get_text() == "Awaiting moderation"
    assert "Buy pills" not in Client().get(post_moderated.get_absolute_url()).content.decode()


# Links ----------------------------------------------------------------------------------


def test_more_than_two_links_are_held_even_on_a_post_moderated_article(
    client, post_moderated, known_reader
):
    body = "See https://a.example/1 and http://b.example/2 and www.example.com"
    response = post_comment(client, post_moderated, body=body)
    assert latest().status == PENDING
    assert latest().moderation_reason == "too many links: 3 links (more than 2)"
    assert messages_on(response, client) == [PENDING_MESSAGE]


def test_two_links_publish_on_a_post_moderated_article(client, post_moderated, known_reader):
    post_comment(client, post_moderated, body="See https://a.example/1 and www.example.com")
    assert latest().status == APPROVED


def test_the_link_limit_is_a_setting(client, post_moderated, known_reader, settings):
    settings.COMMENTS_MAX_LINKS = 0
    post_comment(client, post_moderated, body="Only https://a.example/1")
    assert latest().status == PENDING
    assert latest().moderation_reason == "too many links: 1 links (more than 0)"


LINKED_TEXTS = [
    "Plain words: nothing to link here. Really.",
    "HTTPS://EXAMPLE.ORG/Shouting and Www.Example.Net too",
    "see example.com, example.EDU/x and (www.example.org).",
    "ftp://example.org/file and mailto:someone@example.org are not links here",
    "someone@example.com is an address, not a link",
    "http://[::1]/ and https://例え.テスト/ and http://a.b",
    "a.comb and acom and .org alone and www without a dot",
    "https://example.org/a?b=c&amp;d=e#f then x.gov/path/",
    "<a href='https://example.org'>not markup</a> www.example.org\nnext line http://x.mil",
]


@pytest.mark.parametrize("text", LINKED_TEXTS + HOSTILE_INPUTS)
def test_the_link_count_is_the_number_of_links_the_page_shows(text):
    assert count_links(text) == comment_html(text).count("<a href=")


# Word lists -----------------------------------------------------------------------------


def test_a_banned_word_rejects_the_comment_and_records_what_matched(
    client, post_moderated, known_reader
):
    BannedWord.objects.create(word="scumbag")
    response = post_comment(client, post_moderated, body="What a SCUMBAG he is.")
    assert response.status_code == 303
    assert latest().status == REJECTED
    # The moderator is told the word as it is on the list.
    assert latest().moderation_reason == "banned words: “scumbag”"
    # The reader is not told which word: the comment simply waits.
    assert messages_on(response, client) == [PENDING_MESSAGE]
    assert "SCUMBAG" not in Client().get(post_moderated.get_absolute_url()).content.decode()


def test_a_banned_word_in_the_name_counts_too(client, article):
    BannedWord.objects.create(word="scumbag")
    post_comment(client, article, name="Scumbag Sam", body="Hello.")
    assert latest().status == REJECTED
    assert latest().moderation_reason == "banned words: “scumbag”"


def test_words_match_whole_words_only(client, post_moderated, known_reader):
    BannedWord.objects.create(word="press")
    post_comment(client, post_moderated, body="Built with WordPress, pressing on, impress.")
    assert latest().status == APPROVED
    post_comment(client, post_moderated, body="The press-release and the Press.")
    assert latest().status == REJECTED
    assert latest().moderation_reason == "banned words: “press”"


@pytest.mark.parametrize(
    ("word", "text", "found"),
    [
        ("press", "WordPress", []),
        ("press", "PRESS!", ["press"]),
        ("ärger", "So ein ÄRGER.", ["ärger"]),
        ("ärger", "Ärgernis", []),
        ("ärger", "Verärgert", []),
        ("σκατά", "Τι ΣΚΑΤΆ;", ["σκατά"]),
        ("idiot", "ｉｄｉｏｔ", ["idiot"]),  # full-width letters are the same word
        ("idiot", "idiot_2", []),
        ("buy now", "BUY   now!", ["buy now"]),
        ("c++", "I love C++ and c++", ["c++"]),
        ("+1", "Agreed, +1 from me.", ["+1"]),
        ("+1", "x+1 = 2", []),
        ("naïve", "Naïve", ["naïve"]),
    ],
)
def test_word_matching_is_whole_word_case_insensitive_and_unicode_aware(word, text, found):
    assert moderation.find_words([word], text) == found


# Ways to write a listed word that a reader reads as the word (finding 9): each must match.
DISGUISED_WORDS = [
    pytest.param("Scumbag", "scum\u200bbag", id="zero-width space U+200B"),
    pytest.param("Scumbag", "scum\u00adbag", id="soft hyphen U+00AD"),
    pytest.param("Scumbag", "scu\u200dmbag", id="zero-width joiner U+200D"),
    pytest.param("Scumbag", "s\u2060cumbag", id="word joiner U+2060"),
    pytest.param("Scumbag", "s\u3164cumbag", id="Hangul filler U+3164"),
    pytest.param("Scumbag", "\u0455\u0441umb\u0430g", id="Cyrillic look-alikes"),
    pytest.param("Scumbag", "SCUMB\u0410G", id="Cyrillic capital A"),
    pytest.param("Scumbag", "scumb\u03b1g", id="Greek alpha"),
    pytest.param("Scumbag", "scu\u0301mba\u0300g", id="combining accents"),
    pytest.param("Scumbag", "sc\u00famb\u00e0g", id="accented letters"),
    pytest.param("Scumbag", "s\u0336c\u0336u\u0336m\u0336bag", id="stacked marks"),
    pytest.param("Scumbag", "\uff53\uff43\uff55\uff4d\uff42\uff41\uff47", id="fullwidth"),
    pytest.param("Scumbag", "\U0001d42c\U0001d41c\U0001d42e\U0001d426bag", id="math bold"),
    pytest.param("Scumbag", "\ua731\u1d04\u1d1c\u1d0d\u0299\u1d00\u0262", id="small caps"),
    pytest.param("Scumbag", "SCUMBAG", id="uppercase"),
    pytest.param("Scheiße", "SCHEISSE", id="sharp s in capitals"),
    pytest.param("Scheiße", "scheisse", id="sharp s as ss"),
    pytest.param("scheisse", "Schei\u00dfe", id="ss as sharp s"),
    pytest.param("Scumbag", "\u0455\u200bc\u00adu\u0301m\u2060b\u0430g", id="all of them at once"),
]


@pytest.mark.parametrize(("word", "text"), DISGUISED_WORDS)
def test_a_word_is_found_however_it_is_disguised(word, text):
    assert moderation.find_words([word], f"What a {text}, that one.") == [word]


@pytest.mark.parametrize(("word", "text"), DISGUISED_WORDS)
def test_a_disguised_banned_word_still_rejects_the_comment(
    client, post_moderated, known_reader, word, text
):
    BannedWord.objects.create(word=word)
    response = post_comment(client, post_moderated, body=f"What a {text}, that one.")
    assert response.status_code == 303
    assert (latest().status, latest().moderation_reason) == (REJECTED, f"banned words: “{word}”")
    assert text not in Client().get(post_moderated.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("word", "text"), DISGUISED_WORDS)
def test_a_disguised_suspect_word_still_holds_the_comment(
    client, post_moderated, known_reader, word, text
):
    SuspectWord.objects.create(word=word)
    post_comment(client, post_moderated, name=f"The {text}", body="Hello.")
    assert (latest().status, latest().moderation_reason) == (PENDING, f"suspect words: “{word}”")


# Words and the innocent text that folding must not make them match.
INNOCENT_TEXTS = [
    ("ass", "The class will assess the bass player's passes, alas."),
    ("ass", "\uff23\uff4c\uff41\uff53\uff53 \uff41\uff53\uff53\uff45\uff53\uff53"),
    ("bum", "Don't burn the toast."),  # "m" looks like "rn"
    ("clit", "Il dit que non."),  # "d" looks like "cl"
    ("lol", "Room 101 and the IOI final."),  # "l", "1" and "I" look alike
    ("sik", "S\u0131k s\u0131k gelir."),  # Turkish: "ı" and "i" are two letters
    ("co\u00f1o", "Un cono de helado."),  # an accent in the word is required
    ("\u0915\u0932", "\u0915\u093e\u0932 \u0906\u090f\u0917\u093e"),  # a vowel sign
    ("scum", "Scum\u200bbag"),  # an invisible character joins, it does not split
]


@pytest.mark.parametrize(("word", "text"), INNOCENT_TEXTS)
def test_folding_makes_no_innocent_word_match(word, text):
    assert moderation.find_words([word], text) == []


def test_innocent_comments_are_not_held_by_look_alike_words(client, post_moderated, known_reader):
    for word in {word for word, _ in INNOCENT_TEXTS}:
        BannedWord.objects.create(word=word)
    body = "\n".join(text for _, text in INNOCENT_TEXTS)
    post_comment(client, post_moderated, body=body)
    assert (latest().status, latest().moderation_reason) == (APPROVED, "")


def test_a_suspect_word_holds_the_comment_for_a_moderator(client, post_moderated, known_reader):
    SuspectWord.objects.create(word="casino")
    post_comment(client, post_moderated, body="Best Casino bonus today")
    assert latest().status == PENDING
    assert latest().moderation_reason == "suspect words: “casino”"


def test_word_lists_take_effect_on_the_next_comment(client, post_moderated, known_reader):
    post_comment(client, post_moderated, body="Nothing banned yet: darn.")
    assert latest().status == APPROVED
    BannedWord.objects.create(word="darn")
    post_comment(client, post_moderated, body="Now it is: darn.")
    assert latest().status == REJECTED


def test_words_are_unique_whatever_their_case(db):
    from django.db import IntegrityError, transaction

    BannedWord.objects.create(word="Scumbag")
    with pytest.raises(IntegrityError), transaction.atomic():
        BannedWord.objects.create(word="scumbag")


# First comments -------------------------------------------------------------------------


def test_a_readers_first_comment_on_a_post_moderated_article_is_reviewed(client, post_moderated):
    response = post_comment(client, post_moderated, body="My first comment.")
    first = latest()
    assert first.status == PENDING
    assert first.moderation_reason == "first comment: no approved comment from this reader yet"
    assert messages_on(response, client) == [PENDING_MESSAGE]
    first.status = APPROVED
    first.save()
    post_comment(client, post_moderated, body="My second comment.")
    assert latest().status == APPROVED


def test_the_first_comment_rule_does_not_apply_to_pre_moderated_articles(client, article):
    post_comment(client, article, body="Pre-moderated anyway.")
    assert latest().status == PENDING
    assert latest().moderation_reason == "pre-moderated article"


def test_several_rules_give_the_most_severe_status_and_every_reason(client, post_moderated):
    BannedWord.objects.create(word="scumbag")
    SuspectWord.objects.create(word="casino")
    post_comment(client, post_moderated, body="scumbag casino one.com two.com six.com")
    assert latest().status == REJECTED
    assert latest().moderation_reason == (
        "banned words: “scumbag”; too many links: 3 links (more than 2); "
        "suspect words: “casino”; first comment: no approved comment from this reader yet"
    )


def test_a_comment_is_stored_before_the_rules_run(client, post_moderated, monkeypatch):
    seen = []

    def inspecting_rule(submission):
        seen.append(list(Comment.objects.filter(pk=submission.comment.pk).values_list("status")))
        return None

    monkeypatch.setattr(moderation, "RULES", [inspecting_rule])
    post_comment(client, post_moderated, body="Stored first.")
    assert seen == [[(PENDING,)]]


def test_a_failing_rule_leaves_the_comment_stored_and_pending(client, post_moderated, monkeypatch):
    def broken_rule(submission):
        raise RuntimeError("the word list service is down")

    monkeypatch.setattr(moderation, "RULES", [broken_rule])
    response = post_comment(client, post_moderated, body="Kept safe.")
    assert response.status_code == 303
    assert latest().status == PENDING
    assert latest().body == "Kept safe."


# Duplicates -----------------------------------------------------------------------------


def test_the_same_comment_twice_is_refused_with_400(client, article):
    assert post_comment(client, article, body="Same words.").status_code == 303
    response = post_comment(client, article, body="Same words.")
    assert response.status_code == 400
    page = html(response)
    assert page.find(id="comment-form-errors").get_text(strip=True) == (
        "You have already posted this comment on this article: it is not posted twice."
    )
    assert page.find("textarea").get_text().strip() == "Same words."
    assert Comment.objects.count() == 1


def test_a_double_submission_before_the_cookie_is_set_is_caught(article):
    # Two clicks from a first-time reader: neither request carries the reader cookie yet.
    assert post_comment(Client(), article, name="Ann", body="Double click.").status_code == 303
    response = post_comment(Client(), article, name="Ann", body="Double click.")
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_the_same_words_from_someone_else_are_fine(client, article):
    post_comment(client, article, name="Ann", body="Great reporting.")
    assert post_comment(Client(), article, name="Bob", body="Great reporting.").status_code == 303
    assert Comment.objects.count() == 2


def test_the_same_comment_on_another_article_is_fine(client, article):
    other = make_article(slug="another-story")
    post_comment(client, article, body="Same words.")
    assert post_comment(client, other, body="Same words.").status_code == 303


def test_the_same_comment_may_be_posted_again_after_24_hours(client, article):
    post_comment(client, article, body="Again tomorrow.")
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert post_comment(client, article, body="Again tomorrow.").status_code == 303
    assert Comment.objects.count() == 2


def test_json_callers_get_the_duplicate_refusal_as_json(client, article):
    post_comment(client, article, body="Same words.")
    response = post_comment_json(client, article, body="Same words.")
    assert response.status_code == 400
    assert "already posted this comment" in response.json()["error"]


# Rate limits ----------------------------------------------------------------------------

TOO_FAST = "You are commenting too fast: at most {} comments in {}. Please try again in {}."
NETWORK_TOO_FAST = (
    "Too many comments came from your network just now: at most {} in {}. Please try again in {}."
)
HELD_BUSY = (
    "Thanks — your comment is awaiting moderation: many comments came from your network "
    "just now, so a moderator checks them before they appear."
)
HELD_BANNED = (
    "Thanks — your comment is awaiting moderation: comments from your network are checked "
    "by a moderator before they appear."
)


def test_a_sixth_comment_in_ten_minutes_is_refused_with_429(client, article):
    for n in range(5):
        assert post_comment(client, article, body=f"Comment {n}").status_code == 303
    response = post_comment(client, article, body="One too many")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    page = html(response)
    assert page.find(id="comment-form-errors").get_text(strip=True) == TOO_FAST.format(
        5, "10 minutes", "10 minutes"
    )
    assert page.find("textarea").get_text().strip() == "One too many"
    assert Comment.objects.count() == 5


def test_past_the_limit_other_readers_on_a_busy_address_are_held_not_refused(post_moderated):
    """Hardening 15: offices and carriers share addresses; a sixth reader from one address
    was refused as "too fast" without being so. (On a pre-moderated article every comment
    waits anyway.)"""
    article = post_moderated
    for n in range(5):
        assert post_comment(Client(), article, body=f"Reader {n}").status_code == 303
    reader = Client()
    response = post_comment(reader, article, body="Sixth reader, same address")
    assert response.status_code == 303
    held = Comment.objects.get(body="Sixth reader, same address")
    assert held.status == PENDING
    assert held.moderation_reason.startswith(
        "network: more than 5 comments from this network in 10 minutes"
    )
    assert messages_of(response) == [HELD_BUSY]
    json_response = post_comment_json(Client(), article, body="Seventh, by script")
    assert json_response.status_code == 201
    assert json_response.json()["message"] == HELD_BUSY
    assert Comment.objects.count() == 7


def test_an_address_is_refused_only_far_past_the_limit(post_moderated, settings):
    article = post_moderated
    settings.COMMENTS_RATE_LIMITS = [(2, 600)]
    settings.COMMENTS_ADDRESS_HOLD_FACTOR = 3
    statuses = [post_comment(Client(), article, body=f"Reader {n}").status_code for n in range(7)]
    assert statuses == [303] * 6 + [429]
    assert Comment.objects.filter(moderation_reason__startswith="network:").count() == 4
    response = post_comment(Client(), article, body="Yet another reader")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert html(response).find(id="comment-form-errors").get_text(strip=True) == (
        NETWORK_TOO_FAST.format(6, "10 minutes", "10 minutes")
    )
    assert post_comment(Client(REMOTE_ADDR="198.51.100.7"), article).status_code == 303


@pytest.mark.parametrize("spread", ["/64", "/56"])
def test_an_ipv6_network_counts_as_one_address_across_its_64s_and_56s(article, settings, spread):
    """Hardening 14: a /48 holder rotating through its /64s or /56s gets no fresh limits."""
    settings.COMMENTS_RATE_LIMITS = [(1, 600)]
    settings.COMMENTS_ADDRESS_HOLD_FACTOR = 2

    def address(n):
        return f"2001:db8:1:{n}::1" if spread == "/64" else f"2001:db8:0:{n * 256:x}::1"

    # The /64 allows 2, its /56 8, its /48 32: at the /64 level alone, every one would pass.
    limit = 8 if spread == "/64" else 32
    statuses = [
        post_comment(Client(REMOTE_ADDR=address(n)), article, body=f"Reader {n}").status_code
        for n in range(limit + 1)
    ]
    assert statuses == [303] * limit + [429]


def test_a_reader_changing_address_is_still_limited(client, article):
    for n in range(5):
        post_comment(client, article, body=f"Comment {n}", REMOTE_ADDR=f"192.0.2.{n}")
    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"name": "Ann", "body": "From a new address"},
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 429


def test_the_limit_lifts_when_the_window_has_passed(client, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            post_comment(client, article, body=f"Comment {n}")
        assert post_comment(client, article, body="Too soon").status_code == 429
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert post_comment(client, article, body="Later").status_code == 303


def test_five_comments_just_before_the_clock_turns_leave_no_room_just_after(client, article):
    # The clock's ten minutes turn at 12:10: five comments at 12:09:50 still count at 12:10:05.
    with time_machine.travel("2030-01-01 12:09:50", tick=False):
        for n in range(5):
            assert post_comment(client, article, body=f"Comment {n}").status_code == 303
    with time_machine.travel("2030-01-01 12:10:05", tick=False):
        response = post_comment(client, article, body="Right after the turn")
    assert response.status_code == 429
    assert response["Retry-After"] == "585"  # at 12:19:50, ten minutes after the five
    with time_machine.travel("2030-01-01 12:19:51", tick=False):
        assert post_comment(client, article, body="Ten minutes later").status_code == 303
    assert Comment.objects.count() == 6


def test_at_most_five_comments_in_any_ten_minutes(client, article):
    start = timezone.now()

    def post_at(seconds, body):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            return post_comment(client, article, body=body)

    for n in range(5):  # one a minute
        assert post_at(60 * n, f"Comment {n}").status_code == 303
    refused = post_at(300, "A sixth within ten minutes of the first")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"  # when the first is ten minutes old
    assert post_at(601, "The first is ten minutes old").status_code == 303
    refused = post_at(602, "Again too soon")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "58"  # when the second is ten minutes old
    assert Comment.objects.count() == 6


def test_a_refused_comment_taken_back_leaves_the_others_counted(client, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(4):
            assert post_comment(client, article, body=f"Comment {n}").status_code == 303
        assert post_comment(client, article, body="Comment 3").status_code == 400  # twice
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert post_comment(client, article, body="The fifth").status_code == 303
        assert post_comment(client, article, body="A sixth").status_code == 429
    assert Comment.objects.count() == 5


def test_fifty_comments_a_day_at_most(client, db):
    article = make_article(publish_in=timedelta(days=-2))
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for n in range(50):
        with time_machine.travel(start + timedelta(minutes=11 * (n // 5)), tick=False):
            assert post_comment(client, article, body=f"Comment {n}").status_code == 303
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        response = post_comment(client, article, body="Fifty-first")
    assert response.status_code == 429
    assert html(response).find(id="comment-form-errors").get_text(strip=True) == TOO_FAST.format(
        50, "a day", "21 hours"
    )
    assert Comment.objects.count() == 50


def test_rate_limits_are_settings(client, article, settings):
    settings.COMMENTS_RATE_LIMITS = [(1, 60)]
    assert post_comment(client, article, body="One").status_code == 303
    response = post_comment_json(client, article, body="Two")
    assert response.status_code == 429
    assert response.json() == {"error": TOO_FAST.format(1, "a minute", "1 minute")}


def test_refused_comments_do_not_count_against_the_limit(client, article):
    for _ in range(6):
        post_comment(client, article, name="", body="Invalid")
    post_comment(client, article, body="Valid")
    for _ in range(5):
        post_comment(client, article, body="Valid")  # duplicates: refused, not counted
    for n in range(4):
        assert post_comment(client, article, body=f"More {n}").status_code == 303
    assert Comment.objects.count() == 5


# Bans -----------------------------------------------------------------------------------

BANNED = (
    "You can no longer comment on this site: a moderator has blocked comments from you, "
    "until a moderator lifts the block."
)


def test_a_banned_reader_is_refused_with_403(client, article):
    reader_id = as_reader(client)
    ReaderBan.objects.create(reader_id=reader_id, reason="Abuse")
    response = post_comment(client, article, body="Let me in.")
    assert response.status_code == 403
    assert html(response).find(class_="comment-messages").get_text(strip=True) == BANNED
    assert Comment.objects.count() == 0


def test_a_banned_reader_who_keeps_trying_is_still_told_they_are_banned(client, article):
    reader_id = as_reader(client)
    ReaderBan.objects.create(reader_id=reader_id, reason="Abuse")
    # More attempts than the rate limit allows: refused comments are not counted, so the
    # reader hears why they are refused, not that they are too fast.
    for n in range(8):
        response = post_comment_json(client, article, body=f"Let me in, take {n}.")
        assert response.status_code == 403
        assert response.json() == {"error": BANNED}
    assert Comment.objects.count() == 0


def test_a_banned_reader_is_refused_even_with_an_invalid_form(client, article):
    ReaderBan.objects.create(reader_id=as_reader(client))
    response = post_comment(client, article, name="", body="")
    assert response.status_code == 403
    assert BANNED in html(response).find(class_="comment-messages").get_text()


def test_another_reader_on_a_banned_address_is_held_not_refused(article):
    """Hardening 15: banning one commenter blocked every reader on their address."""
    banned = Client()
    ReaderBan.objects.create(reader_id=as_reader(banned), address_hash=CLIENT_ADDRESS_HASH)
    assert post_comment_json(banned, article).json() == {"error": BANNED}
    neighbour = Client()
    response = post_comment(neighbour, article, body="Same office, different person.")
    assert response.status_code == 303
    assert messages_of(response) == [HELD_BANNED]
    held = Comment.objects.get()
    assert held.status == PENDING
    assert held.moderation_reason == "network: posted from the address of a banned commenter"
    page = html(neighbour.get(response["Location"]))
    assert page.find(id=f"comment-{held.pk}")  # their own, awaiting moderation
    assert not html(Client().get(article.get_absolute_url())).find(id=f"comment-{held.pk}")


def test_a_banned_address_holds_comments_on_a_post_moderated_article_too(db):
    article = make_article(comments_mode="post")
    ReaderBan.objects.create(address_hash=CLIENT_ADDRESS_HASH)
    response = post_comment_json(Client(), article)
    assert response.status_code == 201
    assert response.json()["status"] == "awaiting moderation"
    assert response.json()["message"] == HELD_BANNED


def test_a_banned_word_still_rejects_a_comment_from_a_banned_address(article):
    BannedWord.objects.create(word="scum")
    ReaderBan.objects.create(address_hash=CLIENT_ADDRESS_HASH)
    post_comment(Client(), article, body="You scum.")
    assert Comment.objects.get().status == REJECTED


def test_a_lifted_ban_lets_the_reader_comment_again(client, article):
    ban = ReaderBan.objects.create(reader_id=as_reader(client))
    ban.lifted_at = timezone.now()
    ban.save()
    assert post_comment(client, article).status_code == 303


def test_a_ban_on_someone_else_changes_nothing(client, article):
    as_reader(client)
    ReaderBan.objects.create(reader_id="f" * 48, address_hash="0" * 64)
    assert post_comment(client, article).status_code == 303
