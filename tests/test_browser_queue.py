"""The queue in a real browser, at 1280×900: it fits without scrolling sideways, passes
axe, and is worked row by row with the mouse, the keyboard, and without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.commenting import APPROVED, PENDING, REJECTED, SPAM, make_comment
from tests.helpers import assert_no_axe_violations, make_article
from tests.test_browser_admin import log_in

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
COMMENTS = "/admin/comments/comment/"


def pending(article, names):
    """Pending comments by these names, the first the oldest."""
    made = []
    for n, name in enumerate(names):
        comment = make_comment(article, status=PENDING, name=name, body=f"Comment by {name}.")
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=len(names) - n)
        )
        made.append(comment)
    return made


def moderator_page(browser, live_server, **options):
    page = browser.new_context(viewport=VIEWPORT, **options).new_page()
    log_in(page, live_server, username="mo", password="moderator-password")
    return page


def row_of(page, comment):
    return page.locator("#result_list tbody tr", has=page.locator(f"#comment-{comment.pk}"))


def test_the_queue_fits_1280_pixels_reads_whole_comments_and_passes_axe(
    live_server, browser, moderator, axe, output_path
):
    article = make_article(
        title="A headline that goes on and on " * 6, slug="a-long-headline", body="Body."
    )
    long_body = ("A long comment about what happened that night. " * 50).strip()
    make_comment(article, status=PENDING, name="Ann", body=long_body)
    make_comment(article, status=PENDING, name="B" * 80, body="x" * 3000)
    make_comment(
        article,
        status=PENDING,
        name="Cy",
        body="Held for its words.",
        moderation_reason="suspect words: “night”; too many links: 3 links (more than 2)",
        reported_at=timezone.now(),
        report_count=3,
    )
    page = moderator_page(browser, live_server)
    page.goto(f"{live_server.url}{COMMENTS}")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    page.screenshot(path=f"{output_path}/queue-1280.png", full_page=True)

    folded = page.locator("details.queue-comment").first
    expect(folded.locator(".fold-more")).to_have_text("more")
    folded.locator("summary").click()
    expect(folded).to_contain_text(long_body[-60:])
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280

    title = page.locator(".field-article_title a").first
    expect(title).to_have_attribute("href", article.get_absolute_url())
    assert_no_axe_violations(axe, page)

    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(page.locator("#queue-keys")).to_be_visible()
    assert_no_axe_violations(axe, page)


def test_a_moderator_works_the_queue_with_the_keyboard(live_server, browser, moderator):
    article = make_article()
    ann, bob, cy, dee = pending(article, ["Ann", "Bob", "Cy", "Dee"])
    page = moderator_page(browser, live_server)
    page.goto(f"{live_server.url}{COMMENTS}")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(4)

    # Typed in the search field, the keys are letters.
    page.locator("#searchbar").press_sequentially("ars")
    expect(page.locator("#searchbar")).to_have_value("ars")
    page.locator("#searchbar").blur()

    page.keyboard.press("j")
    expect(row_of(page, ann)).to_be_focused()
    page.keyboard.press("x")
    expect(row_of(page, ann).locator("input.action-select")).to_be_checked()
    expect(page.locator(".action-counter")).to_contain_text("1 of 4 selected")
    page.keyboard.press("j")
    expect(row_of(page, bob)).to_be_focused()

    page.keyboard.press("a")  # approve Bob
    expect(rows).to_have_count(3)
    expect(row_of(page, cy)).to_be_focused()
    expect(page.locator("#queue-announcer")).to_have_text(
        "The comment by Bob was approved, shown to readers now."
    )
    expect(page.locator(".queue-view-pending .queue-view-count")).to_have_text("3")

    page.keyboard.press("s")  # Cy is spam
    expect(row_of(page, dee)).to_be_focused()
    expect(page.locator("#queue-announcer")).to_have_text("The comment by Cy was marked as spam.")
    page.keyboard.press("k")
    expect(row_of(page, ann)).to_be_focused()
    page.keyboard.press("r")
    expect(row_of(page, dee)).to_be_focused()
    expect(page.locator(".action-counter")).to_contain_text("0 of")

    page.keyboard.press("?")
    dialog = page.locator("#queue-keys")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("approve the current comment")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    statuses = dict(Comment.objects.values_list("name", "status"))
    assert statuses == {"Ann": REJECTED, "Bob": APPROVED, "Cy": SPAM, "Dee": PENDING}
    page.reload()
    expect(rows).to_have_count(1)


def test_every_decision_is_reachable_by_tab_and_labelled(live_server, browser, moderator):
    article = make_article()
    [ann] = pending(article, ["Ann"])
    page = moderator_page(browser, live_server)
    page.goto(f"{live_server.url}{COMMENTS}")
    approve = page.get_by_role("button", name="Approve the comment by Ann")
    approve.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Reject the comment by Ann")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Mark the comment by Ann as spam")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # Reject, from the keyboard alone
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    expect(page.locator("#queue-announcer")).to_have_text(
        "The comment by Ann was rejected. No more comments on this page."
    )
    ann.refresh_from_db()
    assert ann.status == REJECTED


def approve_nine(page, live_server, comments):
    """Approve nine comments with each row's button: (clicks, page loads)."""
    loads = []
    page.on("load", lambda _: loads.append(1))
    clicks = 0
    for comment in comments:
        row_of(page, comment).get_by_role("button", name=re.compile("^Approve")).click()
        clicks += 1
        expect(row_of(page, comment)).to_have_count(0)
    return clicks, len(loads)


def test_approving_nine_comments_with_javascript_is_nine_clicks_and_no_page_load(
    live_server, browser, moderator
):
    article = make_article()
    comments = pending(article, [f"Reader {n}" for n in range(12)])
    page = moderator_page(browser, live_server)
    page.goto(f"{live_server.url}{COMMENTS}?article={article.pk}")
    assert approve_nine(page, live_server, comments[:9]) == (9, 0)
    assert Comment.objects.filter(status=APPROVED).count() == 9


def test_without_javascript_each_decision_comes_back_to_the_same_place(
    live_server, browser, moderator
):
    article = make_article()
    other = make_article(title="Another story", slug="another-story")
    comments = pending(article, [f"Reader {n}" for n in range(12)])
    pending(other, ["Elsewhere"])
    page = moderator_page(browser, live_server, java_script_enabled=False)
    page.goto(f"{live_server.url}{COMMENTS}?article={article.pk}")
    row_of(page, comments[0]).get_by_role("button", name=re.compile("^Approve")).click()
    expect(page).to_have_url(
        f"{live_server.url}{COMMENTS}?article={article.pk}#comment-{comments[1].pk}"
    )
    expect(page.locator("ul.messagelist")).to_contain_text(
        "The comment by Reader 0 was approved, shown to readers now."
    )
    expect(page.locator("#result_list tbody tr")).to_have_count(11)
    assert approve_nine(page, live_server, comments[1:10]) == (9, 9)
    assert Comment.objects.filter(status=APPROVED).count() == 10
    expect(page).to_have_url(re.compile(rf"\?article={article.pk}#comment-{comments[10].pk}$"))


def test_approving_nine_comments_from_the_keyboard_is_ten_keys_and_no_page_load(
    live_server, browser, moderator
):
    article = make_article()
    comments = pending(article, [f"Reader {n}" for n in range(12)])
    page = moderator_page(browser, live_server)
    page.goto(f"{live_server.url}{COMMENTS}")
    loads = []
    page.on("load", lambda _: loads.append(1))
    page.keyboard.press("j")
    for n, comment in enumerate(comments[:9]):
        expect(row_of(page, comment)).to_be_focused()
        page.keyboard.press("a")
        expect(page.locator("#result_list tbody tr")).to_have_count(11 - n)
    expect(row_of(page, comments[9])).to_be_focused()
    assert loads == []
    assert Comment.objects.filter(status=APPROVED).count() == 9
