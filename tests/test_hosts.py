"""The hosts a page is served for: nothing a client puts in Host (or X-Forwarded-Host) may
make a page cost a render of its own. With SITE_URL the host plays no part in a page;
without it, only the names ALLOWED_HOSTS lists and the port the server listens on."""

import subprocess
import sys

import pytest
from django.test import Client

from tests.helpers import JSON, html

MADE_UP_PORTS = [f"localhost:{port}" for port in (1, 2, 3, 8001, 65535, 99999)] + [
    "localhost:080",
    "localhost:0",
]
PAGES = ["article", "/", "/feed/", "/sitemap.xml"]


def url_of(page, article):
    return article.get_absolute_url() if page == "article" else page


@pytest.mark.parametrize("page", PAGES)
def test_a_made_up_port_is_refused_without_a_render(article, page, django_assert_num_queries):
    url = url_of(page, article)
    client = Client()
    assert client.get(url, HTTP_HOST="localhost").status_code == 200
    with django_assert_num_queries(0):
        for host in MADE_UP_PORTS:
            response = client.get(url, HTTP_HOST=host)
            assert response.status_code == 400, host
            assert f"not served at {host}" in response.content.decode()


def test_a_made_up_port_on_a_reader_endpoint_is_a_400_in_json(article):
    response = Client().post(
        f"{article.get_absolute_url()}reactions/", {"emoji": "joy"}, HTTP_HOST="localhost:1", **JSON
    )
    assert response.status_code == 400
    assert "not served at localhost:1" in response.json()["error"]
    assert "reader" not in response.cookies


@pytest.mark.parametrize("page", PAGES)
def test_with_site_url_the_host_plays_no_part(article, page, settings, django_assert_num_queries):
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["news.example.org", "localhost"]
    url = url_of(page, article)
    first = Client().get(url, HTTP_HOST="news.example.org")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        for host in [*MADE_UP_PORTS, "LOCALHOST", "localhost.", "News.Example.Org:443"]:
            response = Client().get(url, HTTP_HOST=host)
            assert response.status_code == 200, host
            assert response.content == first.content, host
    assert b"localhost" not in first.content


def test_a_name_written_another_way_is_the_same_page(article, settings, django_assert_num_queries):
    first = Client().get(article.get_absolute_url(), HTTP_HOST="localhost")
    canonical = html(first).find("link", rel="canonical")["href"]
    assert canonical == f"http://localhost{article.get_absolute_url()}"
    with django_assert_num_queries(0):
        for host in ("LOCALHOST", "LocalHost", "localhost.", "LOCALHOST.:80", "localhost:80"):
            response = Client().get(article.get_absolute_url(), HTTP_HOST=host)
            assert response.status_code == 200, host
            assert response.content == first.content, host


def test_the_development_server_is_served_on_its_own_port(article):
    """`make run`: runserver on 127.0.0.1:8000, which browsers name with the port."""
    url = article.get_absolute_url()
    for host in ("127.0.0.1:8000", "localhost:8000"):
        page = html(Client().get(url, HTTP_HOST=host, SERVER_PORT="8000"))
        assert page.find("link", rel="canonical")["href"] == f"http://{host}{url}"
    assert Client().get(url, HTTP_HOST="127.0.0.1:8001", SERVER_PORT="8000").status_code == 400
    # Behind nginx, which passes the name without its port (Host $host).
    assert Client().get(url, HTTP_HOST="127.0.0.1", SERVER_PORT="8001").status_code == 200


def test_a_name_only_a_wildcard_lets_in_is_refused_without_site_url(
    article, settings, django_assert_num_queries
):
    settings.ALLOWED_HOSTS = [".example.org"]
    assert Client().get("/", HTTP_HOST="example.org").status_code == 200
    with django_assert_num_queries(0):
        for name in ("a.example.org", "b.example.org", "www.example.org"):
            response = Client().get("/", HTTP_HOST=name)
            assert response.status_code == 400
            assert f"not served at {name}" in response.content.decode()
    settings.SITE_URL = "https://example.org"
    first = Client().get("/", HTTP_HOST="example.org")
    with django_assert_num_queries(0):
        for name in ("a.example.org", "b.example.org"):
            assert Client().get("/", HTTP_HOST=name).content == first.content


def test_forwarded_hosts_are_held_to_the_same_rule(article, settings, django_assert_num_queries):
    settings.USE_X_FORWARDED_HOST = True
    url = article.get_absolute_url()
    first = Client().get(url, HTTP_X_FORWARDED_HOST="localhost")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        for host in MADE_UP_PORTS:
            response = Client().get(url, HTTP_X_FORWARDED_HOST=host)
            assert response.status_code == 400, host
        for host in ("LOCALHOST", "localhost.", "localhost:80"):
            assert Client().get(url, HTTP_X_FORWARDED_HOST=host).content == first.content
    settings.USE_X_FORWARDED_PORT = True
    with django_assert_num_queries(0):
        response = Client().get(url, HTTP_X_FORWARDED_HOST="localhost:1", HTTP_X_FORWARDED_PORT="2")
        assert response.status_code == 400


def test_a_host_not_allowed_is_still_a_400(article):
    assert Client().get("/", HTTP_HOST="evil.example").status_code == 400
    assert Client().get("/", HTTP_HOST="evil.example:80").status_code == 400


def test_a_wildcard_in_allowed_hosts_without_site_url_refuses_to_start():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import newsroom.settings"],
        env={"ALLOWED_HOSTS": "*", "DEBUG": "on", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr and "SITE_URL" in result.stderr
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import newsroom.settings"],
        env={"ALLOWED_HOSTS": "*", "SITE_URL": "https://example.org", "DEBUG": "on", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
