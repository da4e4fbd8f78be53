"""Writing a comment or a reply: stored, then shown according to its status."""

import pytest
from django.test import Client

from comments.models import Comment
from newsroom.clients import address_hash
from reactions.models import Reaction
from tests.commenting import (
    APPROVED,
    CLIENT_ADDRESS_HASH,
    PENDING,
    as_reader,
    make_comment,
    post_comment,
    post_comment_json,
    reader_of,
)
from tests.helpers import html

PENDING_MESSAGE = "Thanks — your comment is awaiting moderation"
PUBLISHED_MESSAGE = "Your comment is published"


def shown_names(page):
    return [tag.get_text(strip=True) for tag in page.select("#comment-list .comment-name")]


def messages_on(page):
    """The messages shown, above the list or at a comment."""
    return [
        p.get_text(strip=True) for p in page.select(".comment-messages .message, .comment-message")
    ]


def test_a_comment_waits_for_a_moderator_and_the_reader_is_told_so(client, article):
    response = post_comment(client, article, name="Ann", body="I was there.")
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/articles/{article.slug}/#comment-{comment.pk}"
    assert comment.status == PENDING
    assert (comment.name, comment.body, comment.article) == ("Ann", "I was there.", article)
    page = html(client.get(response["Location"]))
    assert messages_on(page) == [PENDING_MESSAGE]


def test_the_commenter_sees_their_pending_comment_marked_awaiting_moderation(client, article):
    post_comment(client, article, name="Ann", body="Pending words.")
    comment = Comment.objects.get()
    page = html(client.get(article.get_absolute_url()))
    item = page.find(id=f"comment-{comment.pk}")
    assert item.find(class_="comment-name").get_text() == "Ann"
    assert item.find(class_="comment-text").get_text(strip=True) == "Pending words."
    assert item.find(class_="comment-status").get_text() == "Awaiting moderation"
    # Nobody may reply to it or report it yet, and it is not counted.
    assert not item.find(class_="reply-link")
    assert not item.find("form")
    # Their comment is on the list: "No comments available." is not said beside it.
    assert page.find(class_="empty") is None
    assert page.find(id="comment-count") is None


def test_the_message_after_posting_is_at_the_comment_where_the_page_opens(client, article):
    response = post_comment(client, article, name="Ann", body="Where am I?")
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = html(client.get(response["Location"]))
    item = page.find(id=f"comment-{comment.pk}")
    assert [m.get_text(strip=True) for m in item.select(".comment-message")] == [PENDING_MESSAGE]
    assert page.select(".comment-messages .message") == []  # said once


def test_other_readers_do_not_see_a_pending_comment(client, article):
    post_comment(client, article, body="Only mine for now.")
    other = html(Client().get(article.get_absolute_url()))
    assert "Only mine for now." not in str(other)
    assert other.find(id="comment-list").get_text(strip=True) == "No comments available."


def test_the_commenter_gets_the_same_reader_cookie_as_reactions(client, article):
    response = post_comment(client, article)
    cookie = response.cookies["reader"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    reader_id = reader_of(response)
    assert Comment.objects.get().reader_id == reader_id
    client.post(f"/articles/{article.slug}/reactions/", {"emoji": "smile"})
    assert Reaction.objects.get().reader_id == reader_id


def test_a_returning_reader_keeps_their_reader_id(client, article):
    reader_id = as_reader(client)
    response = post_comment(client, article)
    assert "reader" not in response.cookies
    assert Comment.objects.get().reader_id == reader_id


def test_a_known_reader_publishes_at_once_on_a_post_moderated_article(client, post_moderated):
    reader_id = as_reader(client)
    make_comment(post_moderated, reader_id=reader_id, status=APPROVED, body="Earlier.")
    response = post_comment(client, post_moderated, name="Ann", body="Published at once.")
    comment = Comment.objects.latest("id")
    assert comment.status == APPROVED
    assert comment.moderation_reason == ""
    page = html(client.get(response["Location"]))
    assert messages_on(page) == [PUBLISHED_MESSAGE]
    everyone = html(Client().get(post_moderated.get_absolute_url()))
    assert "Published at once." in everyone.find(id="comment-list").get_text()
    assert everyone.find(class_="comment-count").get_text() == "2 comments"


def test_a_reply_joins_the_thread_of_the_comment_it_answers(client, article):
    parent = make_comment(article, name="Bea")
    response = post_comment(client, article, body="Replying.", parent=str(parent.pk))
    reply = Comment.objects.get(body="Replying.")
    assert response.status_code == 303
    assert reply.parent == parent
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    page = html(client.get(article.get_absolute_url()))
    nested = page.find(id=f"comment-{parent.pk}").find("ol", class_="replies")
    assert nested.find(id=f"comment-{reply.pk}")


def test_a_reply_to_a_reply_joins_the_same_thread(client, article):
    root = make_comment(article, name="Bea")
    first_reply = make_comment(article, name="Cal", parent=root)
    post_comment(client, article, body="To Cal.", parent=str(first_reply.pk))
    assert Comment.objects.get(body="To Cal.").parent == root


def test_the_reader_is_sent_to_the_page_of_their_comment(client, article, settings):
    settings.COMMENTS_PAGE_SIZE = 2
    for n in range(4):
        make_comment(article, body=f"Older {n}")
    response = post_comment(client, article, body="Newest.")
    comment = Comment.objects.get(body="Newest.")
    assert response["Location"] == f"/articles/{article.slug}/?page=3#comment-{comment.pk}"
    page = html(client.get(response["Location"]))
    assert page.find(id=f"comment-{comment.pk}")


def test_the_email_address_is_never_shown(client, post_moderated):
    reader_id = as_reader(client)
    make_comment(post_moderated, reader_id=reader_id)
    post_comment(client, post_moderated, email="ann@example.org", body="With my email.")
    assert Comment.objects.get(body="With my email.").email == "ann@example.org"
    for viewer in (client, Client()):
        assert (
            "ann@example.org" not in viewer.get(post_moderated.get_absolute_url()).content.decode()
        )


def test_the_address_is_stored_only_as_a_keyed_hash(client, article, settings):
    post_comment(client, article, body="First.")
    comment = Comment.objects.get()
    assert comment.address_hash == CLIENT_ADDRESS_HASH
    assert len(comment.address_hash) == 64
    assert "127.0.0.1" not in str(Comment.objects.filter(pk=comment.pk).values().get())
    settings.ADDRESS_HASH_KEY = "another-key"
    assert address_hash("127.0.0.1") != comment.address_hash


def test_behind_a_proxy_the_forwarded_address_is_hashed(client, article, settings):
    settings.NUM_PROXIES = 1
    client.post(
        f"/articles/{article.slug}/comments/",
        {"name": "Ann", "body": "Via the proxy."},
        headers={"x-forwarded-for": "198.51.100.7"},
    )
    assert Comment.objects.get().address_hash == address_hash("198.51.100.7")


def test_an_ipv6_client_is_known_by_its_64_block(db):
    assert address_hash("2001:db8:1:2::1") == address_hash("2001:db8:1:2:ffff::9")
    assert address_hash("2001:db8:1:2::1") != address_hash("2001:db8:1:3::1")
    assert address_hash("::ffff:192.0.2.1") == address_hash("192.0.2.1")
    # Unreadable addresses share one bucket: the strictest limits, never none.
    assert address_hash("not an address") == address_hash("") != ""


def test_a_script_posting_json_gets_json(client, article):
    response = post_comment_json(client, article, body="Through fetch.")
    comment = Comment.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": comment.pk,
        "status": "awaiting moderation",
        "message": PENDING_MESSAGE,
        "url": f"/articles/{article.slug}/#comment-{comment.pk}",
    }


@pytest.mark.parametrize("mode", ["pre", "post"])
def test_the_form_sits_under_the_list_with_labelled_fields(client, article, mode):
    article.comments_mode = mode
    article.save()
    page = html(client.get(article.get_absolute_url()))
    form = page.find("form", id="comment-form")
    assert form["method"] == "post"
    assert form["action"].startswith(f"/articles/{article.slug}/comments/")
    assert form.find_previous(id="comment-list")
    for name, label in [("name", "Name"), ("email", "Email (optional)"), ("body", "Comment")]:
        field = form.find(attrs={"name": name})
        assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True) == label
    assert form.find("input", attrs={"name": "name"})["maxlength"] == "80"
    assert form.find("input", attrs={"name": "email"})["type"] == "email"
    assert "required" in form.find("textarea", attrs={"name": "body"}).attrs
    assert form.find(id="id_body_helptext").get_text() == "Up to 3,000 characters."
    honeypot = form.find("input", attrs={"name": "website"})
    assert honeypot.find_parent(attrs={"aria-hidden": "true"})
    assert honeypot["tabindex"] == "-1"
    assert form.find("button", type="submit").get_text(strip=True) == "Post comment"


def test_posting_costs_a_bounded_number_of_queries(client, article, django_assert_max_num_queries):
    root = make_comment(article)
    # Ban checks, the article locked, the duplicate check, the insert, the word lists, the
    # verdict, the page of the thread; savepoints included.
    with django_assert_max_num_queries(15):
        post_comment(client, article, body="A reply.", parent=str(root.pk))
    with django_assert_max_num_queries(15):
        post_comment(Client(), article, body="A new reader.")
