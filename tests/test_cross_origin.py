"""Cross-site forgery on the reader endpoints, refused by what the browser says: every row
of the decision table (newsroom/crossorigin.py), on each of the three endpoints; nothing
stored when refused. Signed-in users keep Django's token check."""

import pytest
from django.test import Client

from comments.models import Comment, Report
from reactions.models import Reaction
from tests.commenting import make_comment
from tests.helpers import html

SITE = "http://testserver"


@pytest.fixture
def endpoints(article):
    comment = make_comment(article)
    return {
        "reaction": (f"/articles/{article.slug}/reactions/", {"emoji": "joy"}),
        "comment": (
            f"/articles/{article.slug}/comments/",
            {"name": "Ann", "email": "", "body": "Hello there."},
        ),
        "report": (f"/comments/{comment.pk}/flag/", {"reason": "spam"}),
    }


def stored():
    return Reaction.objects.count() + (Comment.objects.count() - 1) + Report.objects.count()


ALLOWED = [
    ({"Sec-Fetch-Site": "same-origin"}, "same-origin"),
    ({"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"}, "same-origin wins"),
    ({"Sec-Fetch-Site": "none"}, "user-initiated"),
    ({"Origin": SITE}, "no Sec-Fetch-Site, own Origin"),
    ({}, "neither header: not a browser"),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "https://partner.example"}, "trusted origin"),
    ({"Origin": "https://partner.example"}, "old browser, trusted origin"),
]
REFUSED = [
    ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, "cross-site"),
    ({"Sec-Fetch-Site": "cross-site"}, "cross-site without Origin"),
    ({"Sec-Fetch-Site": "same-site", "Origin": "http://sub.testserver"}, "same-site subdomain"),
    ({"Origin": "https://evil.example"}, "old browser, foreign Origin"),
    ({"Origin": "null"}, "Origin: null"),
    ({"Origin": "https://testserver"}, "own host, other scheme"),
    ({"Origin": "http://testserver:8080"}, "own host, other port"),
]


@pytest.fixture(autouse=True)
def trusted_partner(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://partner.example"]


@pytest.mark.parametrize("name", ["reaction", "comment", "report"])
@pytest.mark.parametrize("headers", [h for h, _ in ALLOWED], ids=[i for _, i in ALLOWED])
def test_a_post_from_our_own_pages_is_accepted(endpoints, name, headers):
    url, data = endpoints[name]
    response = Client().post(url, data, headers=headers)
    assert response.status_code == 303, response.content[:300]
    assert stored() == 1


@pytest.mark.parametrize("name", ["reaction", "comment", "report"])
@pytest.mark.parametrize("headers", [h for h, _ in REFUSED], ids=[i for _, i in REFUSED])
def test_a_post_from_another_site_is_refused_and_changes_nothing(endpoints, name, headers):
    url, data = endpoints[name]
    response = Client().post(url, data, headers=headers)
    assert response.status_code == 403
    page = html(response)
    assert page.find("h1").get_text(strip=True) == "This request was not accepted"
    assert "Nothing was saved" in page.get_text()
    assert "no-store" in response["Cache-Control"]
    assert stored() == 0


@pytest.mark.parametrize("host", ["TESTSERVER", "testserver."])
@pytest.mark.parametrize("name", ["reaction", "comment", "report"])
def test_the_own_origin_is_the_host_as_the_site_writes_it(endpoints, name, host):
    """A host written another way (case, a final dot) is the site's own: its browser sends
    the origin as the site writes it."""
    url, data = endpoints[name]
    response = Client(headers={"host": host}).post(url, data, headers={"Origin": SITE})
    assert response.status_code == 303, response.content[:300]
    assert stored() == 1


def test_a_refused_json_toggle_gets_a_json_error(endpoints):
    url, data = endpoints["reaction"]
    response = Client().post(
        url, data, headers={"Sec-Fetch-Site": "cross-site", "Accept": "application/json"}
    )
    assert response.status_code == 403
    assert "another site" in response.json()["error"]


def test_site_url_is_the_sites_own_origin(endpoints, settings):
    settings.SITE_URL = "https://news.example.org"
    url, data = endpoints["reaction"]
    assert (
        Client().post(url, data, headers={"Origin": "https://news.example.org"}).status_code == 303
    )
    assert Client().post(url, data, headers={"Origin": SITE}).status_code == 403


def test_a_host_outside_allowed_hosts_is_not_the_sites_origin(endpoints, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    url, data = endpoints["reaction"]
    response = Client().post(
        url, data, headers={"Origin": "http://evil.example"}, HTTP_HOST="evil.example"
    )
    assert response.status_code in (400, 403)
    assert stored() == 0


def test_reading_is_never_refused(endpoints):
    url, _data = endpoints["report"]
    response = Client().get(url, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


def test_reader_pages_carry_no_token_and_set_no_cookie(client, article, endpoints):
    response = client.get(article.get_absolute_url())
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


# Signed-in users keep Django's token check ------------------------------------------------


@pytest.mark.parametrize("name", ["reaction", "comment", "report"])
def test_a_signed_in_user_needs_the_token_even_from_our_own_pages(endpoints, name, admin_user):
    url, data = endpoints[name]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    response = browser.post(url, data, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 403
    assert stored() == 0


def test_a_signed_in_users_page_carries_the_token_that_lets_them_post(article, admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    page = html(browser.get(article.get_absolute_url()))
    token = page.select_one("#reactions input[name=csrfmiddlewaretoken]")["value"]
    response = browser.post(
        f"/articles/{article.slug}/reactions/",
        {"emoji": "joy", "csrfmiddlewaretoken": token},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    assert Reaction.objects.filter(reader_id=f"user-{admin_user.pk}").count() == 1


def test_the_admin_keeps_djangos_token_check(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/admin/login/",
        {"username": "someone", "password": "x"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403
