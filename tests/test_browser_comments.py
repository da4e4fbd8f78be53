"""Comments in a real browser: with and without JavaScript, from several readers."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from comments import services
from comments.models import Comment
from tests.commenting import (
    PENDING,
    REJECTED,
    make_comment,
    make_established_reader,
    reader_cookie_value,
)
from tests.helpers import assert_no_axe_violations

pytestmark = pytest.mark.browser

AWAITING = "Thanks — your comment is awaiting moderation"


def open_article(context, live_server, article, query=""):
    page = context.new_page()
    page.goto(f"{live_server.url}{article.get_absolute_url()}{query}")
    return page


def write_comment(page, *, name, body):
    page.get_by_label("Name").fill(name)
    page.get_by_label("Comment", exact=True).fill(body)
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    return Comment.objects.get(pk=int(page.url.rsplit("-", 1)[1]))


def test_a_comment_is_held_then_published_then_answered(live_server, article, browser, output_path):
    author = browser.new_context()
    page = open_article(author, live_server, article)
    page.get_by_label("Comment", exact=True).fill("I was in Damascus that night.")
    expect(page.locator("#id_body_helptext")).to_have_text("29 of 3,000 characters")
    comment = write_comment(page, name="Ann", body="I was in Damascus that night.")
    assert comment.status == PENDING
    mine = page.locator(f"#comment-{comment.pk}")
    expect(mine).to_contain_text("I was in Damascus that night.")
    expect(mine.locator(".comment-status")).to_have_text("Awaiting moderation")
    expect(mine.locator(".comment-message")).to_have_text(AWAITING)
    expect(mine.locator(".comment-message")).to_be_in_viewport()

    someone_else = browser.new_context()
    other = open_article(someone_else, live_server, article)
    expect(other.locator("#comment-list")).to_have_text("No comments available.")
    expect(other.get_by_text("I was in Damascus that night.")).to_have_count(0)

    services.approve(comment=comment)
    page.reload()
    other.reload()
    for reader in (page, other):
        shown = reader.locator(f"#comment-{comment.pk}")
        expect(shown.locator(".comment-text")).to_have_text("I was in Damascus that night.")
        expect(shown.locator(".comment-status")).to_have_count(0)
        expect(reader.locator(".comment-count")).to_have_text("1 comment")

    other.locator(f"#comment-{comment.pk} .reply-link").click()
    expect(other.locator("#replying-to")).to_be_visible()
    expect(other.locator("#replying-to")).to_contain_text("Replying to Ann")
    expect(other.get_by_label("Comment", exact=True)).to_be_focused()
    reply = write_comment(other, name="Bob", body="So was I.")
    assert reply.parent == comment
    nested = other.locator(f"#comment-{comment.pk} ol.replies #comment-{reply.pk}")
    expect(nested.locator(".comment-status")).to_have_text("Awaiting moderation")
    page.reload()
    expect(page.locator(f"#comment-{reply.pk}")).to_have_count(0)

    services.approve(comment=reply)
    page.reload()
    expect(page.locator(f"#comment-{comment.pk} ol.replies #comment-{reply.pk}")).to_contain_text(
        "So was I."
    )
    expect(page.locator(".comment-count")).to_have_text("2 comments")
    page.screenshot(path=f"{output_path}/comment-and-reply.png", full_page=True)
    author.close()
    someone_else.close()


def test_commenting_and_replying_work_without_javascript(live_server, article, browser):
    context = browser.new_context(java_script_enabled=False)
    page = open_article(context, live_server, article)
    expect(page.locator("#id_body_helptext")).to_have_text("Up to 3,000 characters.")
    comment = write_comment(page, name="Ann", body="No script here.")
    expect(page.locator(f"#comment-{comment.pk} .comment-status")).to_have_text(
        "Awaiting moderation"
    )
    expect(page.locator(f"#comment-{comment.pk} .comment-message")).to_have_text(AWAITING)

    services.approve(comment=comment)
    page.reload()
    page.locator(f"#comment-{comment.pk} .reply-link").click()
    expect(page).to_have_url(re.compile(rf"\?reply_to={comment.pk}#comment-form$"))
    expect(page.locator("#replying-to")).to_contain_text("Replying to Ann")
    reply = write_comment(page, name="Ann", body="Answering myself.")
    assert reply.parent == comment
    expect(page.locator(f"#comment-{comment.pk} ol.replies #comment-{reply.pk}")).to_be_visible()
    context.close()


def established_reader_context(browser, live_server, *, network, **options):
    """A browser of an established reader, on a network of its own (the server trusts one
    proxy, and the browser says which address it forwards for)."""
    context = browser.new_context(
        extra_http_headers={"X-Forwarded-For": f"198.51.100.{network}"}, **options
    )
    context.add_cookies(
        [
            {
                "name": django_settings.READER_COOKIE_NAME,
                "value": reader_cookie_value(make_established_reader()),
                "url": live_server.url,
            }
        ]
    )
    return context


def test_three_reports_from_three_people_take_a_comment_down(
    live_server, article, browser, settings
):
    settings.NUM_PROXIES = 1
    comment = make_comment(article, name="Troll", body="Something nasty.")
    contexts = [
        established_reader_context(browser, live_server, network=1),
        established_reader_context(browser, live_server, network=2),
        established_reader_context(browser, live_server, network=3, java_script_enabled=False),
    ]
    for n, context in enumerate(contexts):
        page = open_article(context, live_server, article)
        item = page.locator(f"#comment-{comment.pk}")
        item.get_by_role("link", name="Report the comment by Troll").click()
        if n == 2:  # without JavaScript, the link leads to the report page
            expect(page.locator("h1")).to_have_text("Report a comment")
            item = page.locator("main")
        item.get_by_label("Abusive or hateful").check()
        item.get_by_role("button", name="Send report").click()
        if n < 2:  # in place, with JavaScript
            expect(item.locator(".reported")).to_have_text("Reported — thank you")
            expect(item.locator("form.report-form")).to_have_count(0)
            expect(item.locator(".report-link")).to_have_count(0)
        else:  # posted and back, without
            expect(page.locator(".comment-messages")).to_have_text("Reported — thank you")
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert comment.reported_at is not None
    for context in [*contexts, browser.new_context()]:
        page = open_article(context, live_server, article)
        expect(page.locator(f"#comment-{comment.pk}")).to_have_count(0)
        expect(page.locator("#comment-list")).to_have_text("No comments available.")
        context.close()


def test_the_character_count_warns_past_the_limit(live_server, article, page):
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_label("Comment", exact=True).fill("x" * 3012)
    count = page.locator("#id_body_helptext")
    expect(count).to_have_text("12 characters too many (3,012 of 3,000)")
    expect(count).to_have_class(re.compile("char-count-over"))


def test_the_form_with_errors_has_no_accessibility_violation(
    live_server, article, page, axe, output_path
):
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.get_by_label("Name").fill("   ")
    page.get_by_label("Comment", exact=True).fill("   ")
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile("/comments/#comment-form$"))
    expect(page.locator("#id_name_error")).to_have_text("Enter your name.")
    expect(page.locator("#id_body_error")).to_have_text("Write your comment.")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    assert not Comment.objects.exists()
    page.screenshot(path=f"{output_path}/form-errors.png", full_page=True)
    assert_no_axe_violations(axe, page)


def test_a_busy_comment_list_has_no_accessibility_violation(
    live_server, article, browser, axe, settings, output_path
):
    settings.COMMENTS_PAGE_SIZE = 3
    removed = make_comment(article, status=REJECTED, name="Gone")
    make_comment(article, parent=removed, name="Bea", body="Replying to what was removed.")
    for n in range(3):
        root = make_comment(article, name=f"Reader {n}", body=f"See https://example.org/{n}")
        make_comment(article, parent=root, name="Cal", body="A reply\nover two lines.")
    context = browser.new_context(color_scheme="dark")
    page = open_article(context, live_server, article)
    write_comment(page, name="Ann", body="Mine, pending.")
    page.locator(".report-link").first.click()
    expect(page.locator(".comment-actions .report-form")).to_have_count(1)
    expect(page.locator("nav.pagination")).to_be_visible()
    page.screenshot(path=f"{output_path}/busy-list-dark.png", full_page=True)
    assert_no_axe_violations(axe, page)
    context.close()
