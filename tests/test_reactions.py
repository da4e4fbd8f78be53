"""The emoji reaction bar: one reaction of each kind per reader, a second tap takes it back."""

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article
from reactions.bar import short_count
from reactions.models import Reaction, ReactionCount
from reactions.services import recount_reactions
from tests.helpers import JSON, REACTION_KEYS, html


def reactions_url(article):
    return f"{article.get_absolute_url()}reactions/"


def bar(client, article):
    page = html(client.get(article.get_absolute_url()))
    return {
        button["value"]: (
            button.find(class_="reaction-count").get_text(),
            button["aria-pressed"],
            button["aria-label"],
        )
        for button in page.select("#reactions button.reaction")
    }


def counts_in_db(article):
    rows = Reaction.objects.filter(article=article)
    return {key: rows.filter(key=key).count() for key in REACTION_KEYS}


# Toggling without JavaScript: form posts and redirects.


def test_tap_without_javascript_redirects_back_to_the_bar(client, article):
    response = client.post(reactions_url(article), {"emoji": "joy"})
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#reactions"


def test_tap_counts_and_presses_the_button(client, article):
    client.post(reactions_url(article), {"emoji": "joy"})
    count, pressed, label = bar(client, article)["joy"]
    assert (count, pressed) == ("1", "true")
    assert label == "😂 Joy, 1 reaction — press to take yours back"
    assert bar(client, article)["smile"][:2] == ("0", "false")


def test_second_tap_takes_the_reaction_back(client, article):
    client.post(reactions_url(article), {"emoji": "joy"})
    client.post(reactions_url(article), {"emoji": "joy"})
    count, pressed, label = bar(client, article)["joy"]
    assert (count, pressed) == ("0", "false")
    assert label == "😂 Joy, 0 reactions — press to react"
    assert not Reaction.objects.exists()


def test_another_reader_sees_the_count_but_not_the_pressed_button(client, article):
    client.post(reactions_url(article), {"emoji": "tada"})
    other = Client()
    assert bar(other, article)["tada"][:2] == ("1", "false")
    other.post(reactions_url(article), {"emoji": "tada"})
    assert bar(other, article)["tada"][:2] == ("2", "true")
    assert bar(client, article)["tada"][:2] == ("2", "true")


def test_a_reader_can_hold_several_kinds_at_once(client, article):
    for key in ("smile", "heart", "hundred"):
        client.post(reactions_url(article), {"emoji": key})
    shown = bar(client, article)
    assert {key for key, (_, pressed, _) in shown.items() if pressed == "true"} == {
        "smile",
        "heart",
        "hundred",
    }


# Reader identity.


def test_plain_reading_sets_no_reader_cookie(client, article):
    response = client.get(article.get_absolute_url())
    assert settings.READER_COOKIE_NAME not in response.cookies


def test_first_reaction_sets_a_signed_httponly_lax_reader_cookie(client, article):
    response = client.post(reactions_url(article), {"emoji": "joy"})
    cookie = response.cookies[settings.READER_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"]
    reader_id = Reaction.objects.get().reader_id
    assert len(reader_id) == 48
    assert reader_id in cookie.value and cookie.value != reader_id  # signed
    second = client.post(reactions_url(article), {"emoji": "cry"})
    assert settings.READER_COOKIE_NAME not in second.cookies
    assert Reaction.objects.filter(reader_id=reader_id).count() == 2


def test_a_forged_reader_cookie_counts_as_a_new_reader(client, article):
    client.cookies[settings.READER_COOKIE_NAME] = "a" * 48
    client.post(reactions_url(article), {"emoji": "joy"})
    assert Reaction.objects.get().reader_id != "a" * 48


def test_a_logged_in_user_reacts_as_that_user(client, article, django_user_model):
    user = django_user_model.objects.create_user("alice", password="pw-alice-123")
    client.force_login(user)
    client.post(reactions_url(article), {"emoji": "heart"})
    assert Reaction.objects.get().reader_id == f"user-{user.pk}"
    other_browser = Client()
    other_browser.force_login(user)
    assert bar(other_browser, article)["heart"][:2] == ("1", "true")


# JSON, for the page's script and other callers.


def test_json_toggle_answers_all_counts_and_mine(client, article):
    response = client.post(reactions_url(article), {"emoji": "joy"}, **JSON)
    assert response.status_code == 200
    data = response.json()
    assert list(data["counts"]) == REACTION_KEYS
    assert data["counts"]["joy"] == 1
    assert sum(data["counts"].values()) == 1
    assert data["mine"] == ["joy"]
    data = client.post(reactions_url(article), {"emoji": "joy"}, **JSON).json()
    assert data["counts"]["joy"] == 0
    assert data["mine"] == []


def test_get_answers_the_current_readers_state(client, article):
    client.post(reactions_url(article), {"emoji": "cry"})
    client.post(reactions_url(article), {"emoji": "smile"})
    data = client.get(reactions_url(article)).json()
    assert data["mine"] == ["smile", "cry"]
    assert Client().get(reactions_url(article)).json()["mine"] == []
    assert Client().get(reactions_url(article)).json()["counts"]["cry"] == 1


# Where reactions are taken.


def test_closed_comments_still_take_reactions(client, article):
    article.comments_mode = Article.CommentsMode.CLOSED
    article.save()
    assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
    assert Reaction.objects.count() == 1


def test_unpublished_and_unknown_articles_are_not_found(client, draft, scheduled):
    for url in (reactions_url(draft), reactions_url(scheduled), "/articles/nope/reactions/"):
        assert client.post(url, {"emoji": "joy"}).status_code == 404
        assert client.get(url).status_code == 404
    assert not Reaction.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, article, method):
    assert getattr(client, method)(reactions_url(article)).status_code == 405


# Bad input: a clear 400, nothing changes.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emoji": "thumbs_down"}, "There is no reaction called 'thumbs_down'."),
        ({"emoji": ""}, "There is no reaction called ''."),
        ({}, "Choose a reaction: the form field 'emoji' is missing."),
        ({"emoji": ["joy", "joy"]}, "Send one reaction at a time: the field 'emoji' is repeated."),
        ({"emoji": ["joy", "cry"]}, "Send one reaction at a time: the field 'emoji' is repeated."),
        ({"emoji": "😂"}, "There is no reaction called '😂'."),
    ],
)
def test_bad_reaction_is_refused_with_a_message(client, article, data, message):
    response = client.post(reactions_url(article), data, **JSON)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    page = client.post(reactions_url(article), data)
    assert page.status_code == 400
    assert html(page).find(role="alert").get_text() == message
    assert not Reaction.objects.exists()
    assert settings.READER_COOKIE_NAME not in response.cookies


def test_a_body_that_is_not_a_form_is_refused(client, article):
    response = client.post(
        reactions_url(article), '{"emoji": "joy"}', content_type="application/json", **JSON
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Send the reaction as a form, with the field 'emoji'."}
    assert not Reaction.objects.exists()


def test_a_post_from_another_site_is_forbidden(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reactions_url(article), {"emoji": "joy"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_a_tap_on_the_pages_own_bar_is_accepted_without_a_token(article):
    client = Client(enforce_csrf_checks=True)
    page = html(client.get(article.get_absolute_url()))
    assert not page.find("input", attrs={"name": "csrfmiddlewaretoken"})
    response = client.post(
        reactions_url(article), {"emoji": "joy"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 303
    assert Reaction.objects.count() == 1


# Abuse: rate limits through the cache.


def test_a_reader_past_the_limit_gets_429_and_nothing_changes(client, article, settings):
    settings.REACTION_RATE_LIMIT_PER_READER = 4
    for _ in range(4):
        assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
    response = client.post(reactions_url(article), {"emoji": "cry"}, **JSON)
    assert response.status_code == 429
    assert "Too many reactions" in response.json()["error"]
    assert 0 < int(response["Retry-After"]) <= 60  # when the first toggle is a minute old
    assert not Reaction.objects.filter(key="cry").exists()
    page = client.post(reactions_url(article), {"emoji": "cry"})
    assert page.status_code == 429
    assert "Too many reactions" in html(page).find(role="alert").get_text()


def test_new_readers_from_one_address_are_limited_together(article, settings):
    settings.REACTION_RATE_LIMIT_PER_ADDRESS = 3
    statuses = [
        Client(REMOTE_ADDR="203.0.113.7").post(reactions_url(article), {"emoji": "joy"}).status_code
        for _ in range(5)
    ]
    assert statuses == [303, 303, 303, 429, 429]
    assert Reaction.objects.count() == 3
    other_address = Client(REMOTE_ADDR="198.51.100.1")
    assert other_address.post(reactions_url(article), {"emoji": "joy"}).status_code == 303


def test_limits_free_up_in_the_next_window(client, article, settings):
    import time_machine

    settings.REACTION_RATE_LIMIT_PER_READER = 1
    with time_machine.travel("2030-01-01 12:00:00", tick=False) as traveller:
        assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
        assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 429
        traveller.shift(61)
        assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
    assert not Reaction.objects.exists()


def test_a_burst_across_the_turn_of_the_minute_is_limited_as_one(client, article, settings):
    import time_machine

    settings.REACTION_RATE_LIMIT_PER_READER = 4
    with time_machine.travel("2030-01-01 12:00:50", tick=False) as traveller:
        for key in ("joy", "joy", "cry", "cry"):
            assert client.post(reactions_url(article), {"emoji": key}).status_code == 303
        traveller.move_to("2030-01-01 12:01:10")
        response = client.post(reactions_url(article), {"emoji": "joy"}, **JSON)
        assert response.status_code == 429
        assert response["Retry-After"] == "40"
        assert not Reaction.objects.exists()
        traveller.move_to("2030-01-01 12:01:51")
        assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
    assert list(Reaction.objects.values_list("key", flat=True)) == ["joy"]


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), reason="Redis only"
)
def test_limits_still_count_after_redis_forgets_its_scripts(client, article, settings):
    import redis

    settings.REACTION_RATE_LIMIT_PER_READER = 2
    assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
    location = settings.CACHES["default"]["LOCATION"]
    redis.Redis.from_url(location).script_flush()  # as after a restart of Redis
    assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 303
    assert client.post(reactions_url(article), {"emoji": "joy"}).status_code == 429


# The bar's display.


def test_bar_follows_the_reaction_setting(client, article, settings):
    settings.REACTIONS = [("fire", "🔥", "Fire"), ("joy", "😂", "Joy")]
    assert list(bar(client, article)) == ["fire", "joy"]
    data = client.post(reactions_url(article), {"emoji": "fire"}, **JSON).json()
    assert data == {"counts": {"fire": 1, "joy": 0}, "mine": ["fire"]}
    assert client.post(reactions_url(article), {"emoji": "smile"}).status_code == 400


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0"), (999, "999"), (1000, "1K"), (1234, "1.2K"), (12_345, "12K"), (2_500_000, "2.5M")],
)
def test_large_counts_are_shortened(n, shown):
    assert short_count(n) == shown


def test_shortened_count_keeps_the_exact_number_for_screen_readers(client, article):
    ReactionCount.objects.create(article=article, key="heart", count=1234)
    count, _, label = bar(client, article)["heart"]
    assert count == "1.2K"
    assert label == "❤️ Heart, 1234 reactions — press to react"


# Counts and their cost.


def add_reactions(article, n):
    """n reactions from n // 9 + 1 readers, spread over the nine kinds."""
    Reaction.objects.bulk_create(
        (
            Reaction(article=article, reader_id=f"{i // 9:048x}", key=REACTION_KEYS[i % 9])
            for i in range(n)
        ),
        batch_size=5000,
    )
    recount_reactions(article=article)


@pytest.mark.parametrize("n", [0, 1000, 20_000])
def test_article_page_costs_the_same_queries_whatever_the_reactions(
    client, article, n, django_assert_num_queries
):
    add_reactions(article, n)
    # The article, the reaction counts, the comment totals, the header's sections.
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    total = sum(int(b["data-count"]) for b in html(response).select("button.reaction"))
    assert total == n


@pytest.mark.parametrize("n", [0, 20_000])
def test_reader_with_reactions_costs_no_more_queries(client, article, n, django_assert_num_queries):
    add_reactions(article, n)
    client.post(reactions_url(article), {"emoji": "joy"})
    # The article, the comment totals, the counts read with the reader's reactions, and
    # the header's sections (kept afterwards).
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert html(response).select_one('button[value="joy"]')["aria-pressed"] == "true"


def test_a_toggle_costs_a_bounded_number_of_queries(client, article, django_assert_max_num_queries):
    add_reactions(article, 1000)
    client.post(reactions_url(article), {"emoji": "joy"})
    for _ in range(2):
        with django_assert_max_num_queries(10):
            response = client.post(reactions_url(article), {"emoji": "joy"}, **JSON)
        assert response.status_code == 200


def test_counts_match_the_rows_after_many_toggles(article):
    readers = [Client() for _ in range(5)]
    for i in range(60):
        readers[i % 5].post(reactions_url(article), {"emoji": REACTION_KEYS[(i * 7) % 9]})
    shown = Client().get(reactions_url(article)).json()["counts"]
    assert shown == counts_in_db(article)


def test_admin_article_list_shows_the_reaction_total_and_sorts_by_it(admin_client, article):
    from tests.helpers import make_article

    quiet = make_article(title="A quiet one", slug="a-quiet-one")
    add_reactions(article, 30)
    changelist = html(admin_client.get("/admin/articles/article/"))
    sort_link = changelist.select_one("th.column-reaction_total a")["href"]
    page = html(admin_client.get(f"/admin/articles/article/{sort_link}"))
    rows = [
        (row.find("th").get_text(strip=True), row.select_one("td.field-reaction_total").get_text())
        for row in page.select("#result_list tbody tr")
    ]
    assert rows == [(quiet.title, "0"), (article.title, "30")]
    descending = page.select_one("th.column-reaction_total a.toggle")["href"]
    rows = html(admin_client.get(f"/admin/articles/article/{descending}")).select(
        "#result_list tbody tr"
    )
    assert rows[0].find("th").get_text(strip=True) == article.title
