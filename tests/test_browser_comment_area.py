"""The comment area of a busy story in a real browser (issue 18): the reply form opens
under the comment answered, "More comments" adds the next page in place, the name is
remembered, and the message after posting is in view on a phone; all of it also without
JavaScript, by links."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.commenting import make_comment
from tests.helpers import assert_no_axe_violations, make_article

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def busy(settings, db):
    settings.COMMENTS_PAGE_SIZE = 3
    article = make_article()
    start = timezone.now() - timedelta(hours=1)
    for n in range(7):
        comment = make_comment(article, name=f"Reader {n}", body=f"Comment number {n}.")
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(minutes=n))
    return article


def open_page(browser, live_server, article, query="", **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(f"{live_server.url}{article.get_absolute_url()}{query}")
    return context, page


def threads(page):
    return page.locator("#comment-list > ol.comments > li")


def test_the_reply_form_opens_under_the_comment_answered(live_server, busy, browser, axe):
    context, page = open_page(browser, live_server, busy, viewport=PHONE)
    first = Comment.objects.get(name="Reader 1")
    item = page.locator(f"#comment-{first.pk}")
    item.get_by_role("link", name="Reply to Reader 1").click()
    expect(item.locator("form#comment-form")).to_have_count(1)
    expect(item.locator("#replying-to")).to_contain_text("Replying to Reader 1")
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    expect(page.get_by_label("Comment", exact=True)).to_be_in_viewport()
    assert_no_axe_violations(axe, page)
    item.get_by_role("link", name="Cancel reply").click()
    expect(item.locator("form#comment-form")).to_have_count(0)
    expect(item.get_by_role("link", name="Reply to Reader 1")).to_be_focused()

    item.get_by_role("link", name="Reply to Reader 1").click()
    page.get_by_label("Name").fill("Ann")
    page.get_by_label("Comment", exact=True).fill("An answer, written where it goes.")
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(body="An answer, written where it goes.")
    assert reply.parent == first
    message = page.locator(f"#comment-{reply.pk} .comment-message")
    expect(message).to_have_text("Thanks — your comment is awaiting moderation")
    expect(message).to_be_in_viewport()
    context.close()


def test_more_comments_are_added_in_place(live_server, busy, browser, axe):
    context, page = open_page(browser, live_server, busy)
    expect(threads(page)).to_have_count(3)
    url = page.url
    page.get_by_role("link", name="More comments").click()
    expect(threads(page)).to_have_count(6)
    assert page.url == url  # in place: no new page
    expect(page.locator('.pagination a[rel="prev"]')).to_have_count(0)
    page.get_by_role("link", name="More comments").click()
    expect(threads(page)).to_have_count(7)
    expect(page.get_by_role("link", name="More comments")).to_have_count(0)
    names = page.locator("#comment-list > ol > li > article .comment-name").all_inner_texts()
    assert names == [f"Reader {n}" for n in range(7)]
    assert_no_axe_violations(axe, page)
    context.close()


def test_without_javascript_the_pages_are_links(live_server, busy, browser):
    context, page = open_page(browser, live_server, busy, java_script_enabled=False)
    page.get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"\?sort=newest#comment-list$"))
    expect(threads(page).first.locator(".comment-name")).to_have_text("Reader 6")
    page.get_by_role("link", name="More comments").click()
    expect(page).to_have_url(re.compile(r"\?page=2&sort=newest#comment-list$"))
    expect(threads(page)).to_have_count(3)
    expect(threads(page).first.locator(".comment-name")).to_have_text("Reader 3")
    page.get_by_role("link", name="Reply to Reader 3").click()
    expect(page).to_have_url(re.compile(r"reply_to=\d+&sort=newest#comment-form$"))
    expect(page.locator("#replying-to")).to_contain_text("Replying to Reader 3")
    context.close()


def test_the_name_is_remembered_for_the_next_comment(live_server, article, browser):
    context, page = open_page(browser, live_server, article)
    page.get_by_label("Name").fill("Ann Reader")
    page.get_by_label("Comment", exact=True).fill("The first of mine.")
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(page.get_by_label("Name")).to_have_value("Ann Reader")
    context.close()
