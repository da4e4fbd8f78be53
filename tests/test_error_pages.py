"""404 and 500 pages: in the site's design, and without any technical detail."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.helpers import html


def assert_in_the_sites_design(page):
    assert page.html["lang"] == "en"
    assert page.find("header", class_="site-header").find("a", class_="site-name")
    assert page.find("link", rel="stylesheet")["href"].startswith("/static/css/site")
    assert page.find("footer", class_="site-footer")


def assert_no_technical_detail(response):
    text = response.content.decode()
    for word in ("Traceback", "Django", "DEBUG", "settings.py", "urls.py", "Exception"):
        assert word not in text, word


@pytest.mark.parametrize(
    "url", ["/no-such-page/", "/articles/no-such-story/", "/articles/a-draft/", "/sections/nope/"]
)
def test_a_missing_page_is_a_404_in_the_sites_design(client, draft, url):
    response = client.get(url)
    assert response.status_code == 404
    page = html(response)
    assert_in_the_sites_design(page)
    assert_no_technical_detail(response)
    assert page.title.get_text() == "Page not found — Newsroom"
    assert page.h1.get_text() == "Page not found"
    assert page.find("a", string="Go to the latest news")["href"] == "/"
    form = page.find("main").find("form", role="search")
    assert form["action"] == "/search/"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("link", rel="canonical") is None


def test_a_404_page_does_not_touch_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/no-such-page/").status_code == 404


@pytest.mark.urls("tests.urls_with_error")
def test_a_failure_is_a_500_in_the_sites_design_without_detail(client, db):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    page = html(response)
    assert_in_the_sites_design(page)
    assert_no_technical_detail(response)
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert page.title.get_text() == "Something went wrong — Newsroom"
    assert page.h1.get_text() == "Something went wrong"
    assert page.find("a", string="go to the latest news")["href"] == "/"


def test_the_500_page_renders_without_a_request_context_or_database(django_assert_num_queries, db):
    # Django renders 500.html with an empty context: no context processors run.
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert html(response).h1.get_text() == "Something went wrong"
