"""A moderator in a real browser, from the queue: rejecting one comment with a reason, and
banning a reader and rejecting their queue; the clicks and page loads each takes, and
axe on the comment's page and the ban form."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from comments.models import Comment, ReaderBan
from tests.commenting import APPROVED, PENDING, as_reader, make_comment, post_comment
from tests.helpers import assert_no_axe_violations

pytestmark = pytest.mark.browser


class Counted:
    """The page loads of a page (its main frame's navigations)."""

    def __init__(self, page):
        self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1


def moderator_on_the_queue(browser, live_server):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    page.locator("#id_username").fill("mo")
    page.locator("#id_password").fill("moderator-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/comments/comment/$"))
    page.wait_for_load_state("load")
    return page


def test_reject_one_with_a_reason_is_3_clicks_and_2_page_loads(
    live_server, browser, article, moderator, axe
):
    author = Client()
    reader_id = as_reader(author)
    for i in range(3):
        make_comment(article, status=APPROVED, reader_id=reader_id, body=f"Earlier {i}.")
    comment = make_comment(
        article, status=PENDING, reader_id=reader_id, name="Ann", body="About football."
    )
    page = moderator_on_the_queue(browser, live_server)
    loads = Counted(page)
    # 1: the row's Details; 2: the reason; 3: Reject.
    page.get_by_role("link", name="Details of the comment by Ann").click()
    expect(page.locator(".commenter-history")).to_contain_text("approved 3, rejected 0")
    assert_no_axe_violations(axe, page)
    page.get_by_label("Off-topic").check()
    page.get_by_role("button", name="Reject").click()
    expect(page.locator(".messagelist")).to_contain_text("rejected (off-topic")
    page.wait_for_load_state("load")
    assert loads.loads == 2
    comment.refresh_from_db()
    assert comment.rejection_reason == "off-topic"
    assert "Rejected by a moderator: off-topic" in author.get(article.get_absolute_url()).text


def test_ban_a_reader_and_reject_their_queue_is_4_clicks_and_3_page_loads(
    live_server, browser, article, moderator, axe
):
    troll = Client()
    reader_id = as_reader(troll)
    for body in ("One.", "Two.", "Three."):
        post_comment(troll, article, name="Troll", body=body)
    page = moderator_on_the_queue(browser, live_server)
    loads = Counted(page)
    # 1: Details; 2: Ban this commenter; 3: 7 days; 4: Yes (their queue ticked already).
    page.get_by_role("link", name="Details of the comment by Troll").first.click()
    page.get_by_role("link", name="Ban this commenter").click()
    expect(
        page.get_by_label("Also reject their comments waiting in the queue (3 now)")
    ).to_be_checked()
    assert_no_axe_violations(axe, page)
    page.get_by_label("7 days").check()
    page.get_by_role("button", name="Yes, ban this commenter").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "3 comments of theirs waiting in the queue rejected"
    )
    page.wait_for_load_state("load")
    assert loads.loads == 3
    assert ReaderBan.objects.get().ends_at is not None
    assert set(Comment.objects.filter(reader_id=reader_id).values_list("status", flat=True)) == {
        "rejected"
    }
