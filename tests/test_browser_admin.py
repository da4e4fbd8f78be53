"""The admin in a real browser: a moderator works the queue, an editor publishes."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from tests.commenting import PENDING, make_comment
from tests.helpers import assert_no_axe_violations, make_article

pytestmark = pytest.mark.browser


def log_in(page, live_server, *, username, password):
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")


def test_a_moderator_approves_a_comment_from_the_queue(
    live_server, browser, article, moderator, output_path
):
    other = make_article(title="Another story", slug="another-story")
    make_comment(other, status=PENDING, name="Bob", body="On the other story.")
    comment = make_comment(
        article,
        status=PENDING,
        name="Ann",
        body="I was in Damascus that night.",
        moderation_reason="suspect words: “Damascus”",
    )
    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(reader.locator("#comment-list")).to_have_text("No comments available.")

    page = browser.new_context().new_page()
    log_in(page, live_server, username="mo", password="moderator-password")
    expect(page.locator("#pending-count")).to_have_text("2")
    page.get_by_role("link", name="Pending comments: 2").click()
    expect(page.locator("#changelist h1, h1").first).to_have_text(
        "The moderation queue: pending comments"
    )
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    # Filter the pending queue down to this article.
    page.locator("#changelist-filter").get_by_role("link", name=article.title).click()
    expect(page).to_have_url(re.compile(rf"article={article.pk}"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".field-why_held")).to_have_text("suspect words: “Damascus”")

    page.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    page.locator("select[name=action]").select_option("approve_comments")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "1 comment approved, shown to readers now."
    )
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    page.screenshot(path=f"{output_path}/queue-after-approval.png", full_page=True)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator
    reader.reload()
    shown = reader.locator(f"#comment-{comment.pk}")
    expect(shown.locator(".comment-text")).to_have_text("I was in Damascus that night.")
    expect(reader.locator(".comment-count")).to_have_text("1 comment")


def test_an_editor_writes_previews_schedules_then_publishes_now(
    live_server, browser, editor, axe, output_path
):
    page = browser.new_context().new_page()
    log_in(page, live_server, username="ed", password="editor-password")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Floods in the valley")
    expect(page.locator("#id_slug")).to_have_value("floods-in-the-valley")  # prefilled
    expect(page.locator(".field-body .help")).to_contain_text("## Subhead")
    page.locator("#id_standfirst").fill("The river rose overnight.")
    page.locator("#id_byline").fill("By A. Reporter")
    page.locator("#id_body").fill(
        "The water came at night.\n\n## What happened\n\nNobody was hurt.\n\n"
        "<script>alert('x')</script>"
    )
    expect(page.locator("#id_status")).to_have_value("draft")
    page.get_by_role("button", name="Save and preview").click()

    # The preview: as readers will see it, while nobody else can.
    expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/preview/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Floods in the valley")
    expect(page.locator(".article-body h2")).to_have_text("What happened")
    expect(page.locator(".preview-banner")).to_contain_text("Draft")
    assert page.evaluate("document.querySelectorAll('.article-body script').length") == 0
    page.screenshot(path=f"{output_path}/preview-draft.png", full_page=True)
    assert_no_axe_violations(axe, page)
    article = Article.objects.get(slug="floods-in-the-valley")
    assert Client().get(article.get_absolute_url()).status_code == 404

    # Schedule it a minute ahead.
    page.get_by_role("link", name="Back to editing").click()
    expect(page.locator("ul.messagelist")).to_have_count(0)
    page.locator("#id_status").select_option("published")
    when = timezone.localtime() + timedelta(minutes=1)
    page.locator("#id_published_at_0").fill(when.strftime("%Y-%m-%d"))
    page.locator("#id_published_at_1").fill(when.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("is scheduled: it becomes public")
    row = page.locator("#result_list tbody tr", has_text="Floods in the valley")
    expect(row.locator(".field-state")).to_have_text("Scheduled")
    article.refresh_from_db()
    assert article.is_scheduled
    assert Client().get(article.get_absolute_url()).status_code == 404

    # Changed our mind: publish it now, from the list.
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("publish_now")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("ul.messagelist")).to_contain_text("1 article published now.")
    expect(row.locator(".field-state")).to_have_text("Published")

    reader = browser.new_context().new_page()
    response = reader.goto(f"{live_server.url}/articles/floods-in-the-valley/")
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("Floods in the valley")
    expect(reader.locator(".preview-banner")).to_have_count(0)
