"""With the database refusing connections: a calm 503 everywhere, never a false success."""

import logging

import pytest
from django.conf import settings

from tests.helpers import SEED_SLUG, html

PAGES = [
    "/",
    f"/articles/{SEED_SLUG}/",
    "/sections/world/",
    "/search/?q=assad",
    "/feed/",
    "/sitemap.xml",
    "/admin/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_503_with_a_short_styled_page(client, unreachable_database, url):
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-signed-in-editors-session"
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = html(response)
    assert page.h1.get_text() == "We’ll be right back"
    assert page.find("link", rel="stylesheet")["href"].startswith("/static/css/site")
    body = response.content.decode()
    # The page shows the request's id (random hex, which may hold "5432" by chance).
    without_id = body.replace(response["X-Request-ID"], "")
    for detail in ("Traceback", "OperationalError", "sqlite3", "psycopg", "DATABASE", "5432"):
        assert detail not in without_id
    assert response["X-Request-ID"] in body


def test_healthz_answers_503(client, unreachable_database):
    assert client.get("/healthz").status_code == 503


def test_a_comment_post_answers_503_and_asks_to_try_again(client, unreachable_database):
    response = client.post(
        f"/articles/{SEED_SLUG}/comments/", {"name": "Ann", "body": "Is anyone there?"}
    )
    assert response.status_code == 503
    text = html(response).get_text(" ")
    assert "it was not saved" in text and "try again" in text
    assert "Thanks" not in text and "published" not in text


def test_a_json_caller_gets_a_json_503(client, unreachable_database):
    response = client.post(
        f"/articles/{SEED_SLUG}/reactions/",
        {"emoji": "joy"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 503
    assert "try again" in response.json()["error"]


def test_the_fault_is_logged_with_the_path_and_request_id(client, unreachable_database, caplog):
    with caplog.at_level(logging.ERROR, logger="newsroom.faults"):
        response = client.get("/")
    record = caplog.records[-1]
    assert record.request_id == response["X-Request-ID"]
    assert record.request_path == "/"
