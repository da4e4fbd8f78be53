"""Every POST endpoint: forgery refused, the wrong method refused, big bodies refused."""

import pytest
from django.test import Client

from comments.models import Comment, Report
from reactions.models import Reaction
from tests.commenting import make_comment
from tests.helpers import html


@pytest.fixture
def endpoints(article):
    comment = make_comment(article)
    return {
        "reaction": (f"/articles/{article.slug}/reactions/", {"emoji": "joy"}),
        "comment": (
            f"/articles/{article.slug}/comments/",
            {"name": "Ann", "email": "", "body": "Hello there."},
        ),
        "flag": (f"/comments/{comment.pk}/flag/", {"reason": "spam"}),
        "admin login": ("/admin/login/", {"username": "someone", "password": "x"}),
    }


def nothing_stored():
    return (
        Reaction.objects.count() == 0
        and Comment.objects.count() == 1
        and Report.objects.count() == 0
    )


@pytest.mark.parametrize("name", ["reaction", "comment", "flag", "admin login"])
def test_a_forged_cross_site_post_is_forbidden(endpoints, name):
    url, data = endpoints[name]
    forged = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    response = Client(enforce_csrf_checks=True).post(url, data, headers=forged)
    assert response.status_code == 403
    assert nothing_stored()


def test_the_admin_refuses_a_post_without_its_csrf_token(endpoints):
    url, data = endpoints["admin login"]
    response = Client(enforce_csrf_checks=True).post(url, data)
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["reaction", "comment", "flag"])
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_wrong_method_is_not_allowed(client, endpoints, name, method):
    url, _data = endpoints[name]
    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("name", ["comment"])  # a GET of "flag" is the report page
def test_get_on_a_post_only_endpoint_is_not_allowed(client, endpoints, name):
    url, _data = endpoints[name]
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("name", ["reaction", "comment", "flag", "admin login"])
def test_an_oversized_body_is_refused_with_400(client, endpoints, name, settings):
    url, data = endpoints[name]
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(url, {**data, "padding": big})
    assert response.status_code in (400, 413)
    assert "Traceback" not in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("name", ["reaction", "comment", "flag"])
def test_too_many_fields_are_refused_with_400(client, endpoints, name, settings):
    url, data = endpoints[name]
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(url, {**data, **fields})
    assert response.status_code == 400
    assert nothing_stored()


def test_a_long_comment_field_is_refused_with_its_message(client, article):
    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"name": "N" * 81, "body": "B" * 3001, "email": "not-an-email"},
    )
    assert response.status_code == 400
    page = html(response)
    errors = " ".join(e.get_text(" ", strip=True) for e in page.select(".errorlist, .field-error"))
    assert "80" in errors and "3000" in errors.replace(",", "")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("name", ["reaction", "comment", "flag", "admin login"])
def test_a_form_in_another_charset_is_a_400_with_a_page_that_says_so(endpoints, name):
    url, data = endpoints[name]
    body = "&".join(f"{key}={value}é" for key, value in data.items()).encode("latin-1")
    response = Client().generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded; charset=latin-1"
    )
    assert response.status_code == 400
    assert "could not read" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("name", ["reaction", "comment", "flag"])
def test_a_broken_multipart_body_is_a_400(endpoints, name):
    url, _data = endpoints[name]
    response = Client().generic(
        "POST", url, b"not multipart", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 400
    assert nothing_stored()
