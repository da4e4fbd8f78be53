"""What browsers, CDNs and reverse proxies are told: Cache-Control, Vary, ETag,
Last-Modified and 304s. A response with a reader's state or a cookie is never shared."""

import pytest
from django.http import HttpResponse
from django.test import Client

from newsroom.middleware import SharedCachePolicyMiddleware
from tests.commenting import as_reader, make_comment, post_comment
from tests.helpers import tap


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def conditional(response):
    return {"HTTP_IF_NONE_MATCH": response["ETag"]}


# The article page --------------------------------------------------------------------------


def shared(settings):
    return {
        "public",
        "max-age=0",
        f"s-maxage={settings.HTTP_SHARED_MAX_AGE}",
        f"stale-while-revalidate={settings.HTTP_STALE_WHILE_REVALIDATE}",
        f"stale-if-error={settings.HTTP_STALE_IF_ERROR}",
    }


def test_the_article_page_for_a_reader_without_cookies_may_be_kept_by_a_cdn(
    client, article, settings
):
    response = client.get(article.get_absolute_url())
    assert directives(response) == shared(settings)
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"].endswith("GMT")


def test_the_article_page_of_a_reader_with_a_cookie_is_private(client, article):
    as_reader(client)
    response = client.get(article.get_absolute_url())
    assert directives(response) == {"private", "no-cache"}
    assert "Cookie" in response["Vary"]


def test_a_signed_in_users_page_is_private(client, article, admin_user):
    client.force_login(admin_user)
    response = client.get(article.get_absolute_url())
    assert "private" in directives(response)
    assert "public" not in response["Cache-Control"]


def test_a_page_with_a_flash_message_is_private(client, article):
    post_comment(client, article)
    response = client.get(article.get_absolute_url())
    assert "awaiting moderation" in response.content.decode()
    assert "private" in directives(response)


def test_an_unchanged_page_answers_304_without_a_body(client, article, django_assert_num_queries):
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(article.get_absolute_url(), **conditional(first))
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "public" in directives(again)


def test_if_modified_since_alone_also_answers_304(client, article):
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_a_readers_page_answers_if_modified_since_with_the_page(client, article):
    as_reader(client)
    first = client.get(article.get_absolute_url())
    tap(client, article)
    again = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda article: tap(Client(), article),
        lambda article: make_comment(article),
        lambda article: article.save(),
    ],
    ids=["someone reacts", "a comment is approved", "the article is edited"],
)
def test_a_change_makes_the_page_new_again(client, article, change):
    first = client.get(article.get_absolute_url())
    change(article)
    again = client.get(article.get_absolute_url(), **conditional(first))
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_a_readers_own_reaction_makes_their_page_new(client, article):
    as_reader(client)
    first = client.get(article.get_absolute_url())
    unchanged = client.get(article.get_absolute_url(), **conditional(first))
    assert unchanged.status_code == 304
    tap(client, article)
    response = client.get(article.get_absolute_url(), **conditional(first))
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()


def test_a_readers_304_never_hides_their_pending_comment(client, article):
    as_reader(client)
    first = client.get(article.get_absolute_url())
    client.post(
        f"{article.get_absolute_url()}comments/", {"name": "Ann", "body": "Mine.", "email": ""}
    )
    client.cookies.pop("messages", None)  # read the page as on a later visit
    response = client.get(article.get_absolute_url(), **conditional(first))
    assert response.status_code == 200
    assert "Awaiting moderation" in response.content.decode()


def test_a_refused_comment_page_is_private(client, closed_article):
    response = client.post(
        f"{closed_article.get_absolute_url()}comments/", {"name": "Ann", "body": "Hi", "email": ""}
    )
    assert response.status_code == 403
    assert "private" in directives(response)


# Lists ---------------------------------------------------------------------------------------


def test_the_front_page_may_be_kept_by_a_cdn(client, article, settings):
    response = client.get("/")
    assert directives(response) == shared(settings)
    assert not response.cookies
    assert response["ETag"]


def test_a_flash_message_waits_for_the_article_page_and_is_never_kept_on_the_front_page(
    article,
):
    reader = Client()
    post_comment(reader, article)
    front_page = reader.get("/")
    assert front_page.content == Client().get("/").content
    assert "awaiting moderation" not in front_page.content.decode()
    assert "awaiting moderation" in reader.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("query", ["?page=x", "?page=1", "?utm_source=news", "?page=2&x=1"])
def test_a_list_query_that_does_not_change_the_page_leads_to_the_page_it_means(
    client, article, query, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/" + query)
    assert response.status_code == 301
    assert response["Location"] == ("/?page=2" if "page=2" in query else "/")


def test_the_front_page_holds_nothing_of_the_reader(article):
    reader = Client()
    as_reader(reader)
    tap(reader, article)
    reader.post(
        f"{article.get_absolute_url()}comments/", {"name": "Ann", "body": "Mine.", "email": ""}
    )
    assert reader.get("/").content == Client().get("/").content


def test_an_unchanged_front_page_answers_304(client, article, django_assert_num_queries):
    first = client.get("/")
    with django_assert_num_queries(0):
        again = client.get("/", **conditional(first))
    assert again.status_code == 304


def test_a_section_page_may_be_kept_by_a_cdn(client, article):
    from tests.helpers import make_section

    article.section = make_section(name="World")
    article.save()
    assert "public" in directives(client.get("/sections/world/"))


def test_search_results_are_not_shared(client, article):
    assert "public" not in client.get("/search/?q=article").get("Cache-Control", "")


# Any response that sets a cookie ----------------------------------------------------------


@pytest.mark.parametrize("cache_control", ["public, max-age=60, s-maxage=600", None])
def test_a_response_that_sets_a_cookie_is_never_shared(rf, cache_control):
    def view(request):
        response = HttpResponse("yours")
        if cache_control:
            response["Cache-Control"] = cache_control
        response.set_cookie("reader", "someone")
        return response

    response = SharedCachePolicyMiddleware(view)(rf.get("/"))
    assert "private" in directives(response)
    assert "public" not in response["Cache-Control"]
    assert "s-maxage" not in response["Cache-Control"]
    if cache_control:
        assert "max-age=60" in directives(response)


def test_a_response_without_cookies_keeps_its_policy(rf):
    def view(request):
        response = HttpResponse("everyone's")
        response["Cache-Control"] = "public, max-age=0, s-maxage=5"
        return response

    response = SharedCachePolicyMiddleware(view)(rf.get("/"))
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_a_first_reaction_sets_the_reader_cookie_on_a_private_answer(client, article):
    response = tap(client, article)
    assert "reader" in response.cookies
    assert "private" in directives(response)
